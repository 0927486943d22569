import { eq, ne, type SQL, sql } from "drizzle-orm";
import { backoffSeconds } from "../../lib/backoff";
import { errorFields, log } from "../../lib/log";
import type { ServiceContext } from "../context";
import { type MailMessage, mailMessageSchema } from "./producer";
import { htmlPart, messageIdFor, toBase64 } from "./render";
import { outbox } from "./schema";
import type { MailTemplate } from "./template";
import type { Envelope, MailTransport } from "./transport";

export type MailDeps = {
  ctx: ServiceContext;
  transport: MailTransport;
  templates: ReadonlyMap<string, MailTemplate>;
};

/** 10 s, 20 s, 40 s, … capped at 5 min, by delivery attempt. */
export const mailRetryDelaySeconds = (attempt: number) => backoffSeconds(attempt, 10, 300);

class PermanentMailError extends Error {}

async function render(deps: MailDeps, message: MailMessage): Promise<Envelope> {
  const template = deps.templates.get(message.template);
  if (!template) throw new PermanentMailError(`unknown template ${message.template}`);
  const parsed = template.data.safeParse(message.data);
  if (!parsed.success)
    throw new PermanentMailError(`bad data for ${message.template}: ${parsed.error.message}`);
  const mail = await template.render(parsed.data, deps.ctx);
  const from = deps.ctx.config.MAIL_FROM;
  return {
    ...mail,
    html: await htmlPart(mail, deps.ctx.config.MAIL_LOCALE),
    messageId: messageIdFor(message.mailId, from),
    from,
    to: message.to,
    date: deps.ctx.clock(),
  };
}

type OutboxWrite = {
  envelope: Envelope | null;
  status: "queued" | "failed";
  attempts: number;
  lastError?: string;
};

/** The one place an outbox row is written: inserted on the first attempt, updated after. */
function writeOutbox(
  deps: MailDeps,
  message: MailMessage,
  row: OutboxWrite,
  onConflict: { set: Record<string, SQL | string>; where?: SQL },
) {
  const e = row.envelope;
  return deps.ctx.db
    .insert(outbox)
    .values({
      mailId: message.mailId,
      template: message.template,
      messageId: e?.messageId ?? "",
      from: e?.from ?? "",
      to: message.to,
      subject: e?.subject ?? "",
      text: e?.text ?? "",
      html: e?.html ?? "",
      attachments:
        e?.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          contentBase64: toBase64(a.content),
          ...(a.contentId && { contentId: a.contentId }),
        })) ?? [],
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError ?? null,
      createdAt: e?.date ?? deps.ctx.clock(),
    })
    .onConflictDoUpdate({ target: outbox.mailId, set: onConflict.set, setWhere: onConflict.where })
    .returning({ status: outbox.status });
}

function markFailed(deps: MailDeps, message: MailMessage, reason: string) {
  // The row may not exist when rendering never succeeded; record the failure either way.
  return writeOutbox(
    deps,
    message,
    { envelope: null, status: "failed", attempts: 0, lastError: reason },
    { set: { status: "failed", lastError: reason }, where: ne(outbox.status, "sent") },
  );
}

async function deliver(deps: MailDeps, message: Message<unknown>, mail: MailMessage) {
  try {
    const envelope = await render(deps, mail);
    const [row] = await writeOutbox(
      deps,
      mail,
      { envelope, status: "queued", attempts: 1 },
      { set: { attempts: sql`${outbox.attempts} + 1` } },
    );
    if (row?.status !== "sent") {
      await deps.transport.send(envelope);
      await deps.ctx.db
        .update(outbox)
        .set({ status: "sent", sentAt: deps.ctx.clock(), lastError: null })
        .where(eq(outbox.mailId, mail.mailId));
      log("info", "mail.sent", {
        mailId: mail.mailId,
        template: mail.template,
        transport: deps.transport.name,
      });
    }
    message.ack();
  } catch (error) {
    if (error instanceof PermanentMailError) {
      log("error", "mail.unrenderable", { mailId: mail.mailId, ...errorFields(error) });
      await markFailed(deps, mail, error.message);
      message.ack();
      return;
    }
    log("warn", "mail.retry", {
      mailId: mail.mailId,
      attempt: message.attempts,
      ...errorFields(error),
    });
    await deps.ctx.db
      .update(outbox)
      .set({ lastError: error instanceof Error ? error.message : String(error) })
      .where(eq(outbox.mailId, mail.mailId));
    message.retry({ delaySeconds: mailRetryDelaySeconds(message.attempts) });
  }
}

export async function consumeMailBatch(batch: MessageBatch<unknown>, deps: MailDeps) {
  for (const message of batch.messages) {
    const parsed = mailMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // Retrying a malformed message cannot help; drop it loudly.
      log("error", "mail.malformed", { messageId: message.id, issues: parsed.error.issues });
      message.ack();
      continue;
    }
    await deliver(deps, message, parsed.data);
  }
}

/** The dead-letter consumer: whatever is left after the retries is marked failed. */
export async function consumeMailDeadLetters(batch: MessageBatch<unknown>, deps: MailDeps) {
  for (const message of batch.messages) {
    const parsed = mailMessageSchema.safeParse(message.body);
    if (parsed.success) {
      const [row] = await deps.ctx.db
        .select({ lastError: outbox.lastError })
        .from(outbox)
        .where(eq(outbox.mailId, parsed.data.mailId));
      await markFailed(deps, parsed.data, row?.lastError ?? "retries exhausted");
      log("error", "mail.dead_lettered", { mailId: parsed.data.mailId });
    }
    message.ack();
  }
}
