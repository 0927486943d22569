import { createApp } from "./app";
import { jobRegistry, links, mailTemplates } from "./modules";
import { createServiceContext } from "./platform/context";
import { consumeJobBatch, consumeJobDeadLetters, dispatchScheduled } from "./platform/jobs/runner";
import { consumeMailBatch, consumeMailDeadLetters } from "./platform/mail/consumer";
import { createTransport } from "./platform/mail/transport";

export { Rankings, SalesIngest } from "./modules/sales";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const ctx = createServiceContext(env, { kind: "system" }, links);
    const mail = () => ({
      ctx,
      transport: createTransport(env, ctx.config),
      templates: mailTemplates,
    });
    switch (batch.queue) {
      case "mail":
        return consumeMailBatch(batch, mail());
      case "mail-dlq":
        return consumeMailDeadLetters(batch, mail());
      case "jobs":
        return consumeJobBatch(batch, jobRegistry, ctx);
      case "jobs-dlq":
        return consumeJobDeadLetters(batch, ctx);
      default:
        throw new Error(`no consumer for queue ${batch.queue}`);
    }
  },

  async scheduled(controller, env) {
    await dispatchScheduled(
      controller,
      jobRegistry,
      createServiceContext(env, { kind: "system" }, links),
    );
  },
} satisfies ExportedHandler<Env>;
