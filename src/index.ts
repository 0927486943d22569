import { createApp } from "./app";
import { createDb } from "./db/client";
import { getConfig } from "./lib/config";
import { consumeJobBatch, consumeJobDeadLetters, dispatchScheduled } from "./platform/jobs/runner";
import { consumeMailBatch, consumeMailDeadLetters } from "./platform/mail/consumer";
import { createTransport } from "./platform/mail/transport";

export { SalesIngest } from "./modules/sales/ingest-do";
export { Rankings } from "./modules/sales/rankings-do";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const db = createDb(env.DB);
    const mail = () => ({
      db,
      transport: createTransport(env, getConfig(env)),
      now: () => new Date(),
    });
    switch (batch.queue) {
      case "mail":
        return consumeMailBatch(batch, mail());
      case "mail-dlq":
        return consumeMailDeadLetters(batch, mail());
      case "jobs":
        return consumeJobBatch(batch, () => ({ db, env, now: new Date(), random: Math.random }));
      case "jobs-dlq":
        return consumeJobDeadLetters(batch, db);
      default:
        throw new Error(`no consumer for queue ${batch.queue}`);
    }
  },

  async scheduled(controller, env) {
    await dispatchScheduled(controller, {
      db: createDb(env.DB),
      env,
      now: new Date(),
      random: Math.random,
    });
  },
} satisfies ExportedHandler<Env>;
