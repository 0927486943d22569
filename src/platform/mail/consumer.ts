import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { errorFields, log } from "../../lib/log";
import { mailMessageSchema } from "./producer";
import { outbox } from "./schema";
import type { MailTemplate, RenderedMail } from "./template";
import { type TemplateName, templates } from "./templates";
import type { MailTransport } from "./transport";

export type MailDeps = { db: Db; transport: MailTransport; now: () => Date };

/** 10 s, 20 s, 40 s, … capped at 5 min, by delivery attempt. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(300, 10 * 2 ** Math.max(0, attempt - 1));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

async function render(template: string, data: unknown, db: Db): Promise<RenderedMail> {
  // Widened to the common shape: the zod parse below is what ties data to its template.
  const definition: MailTemplate | undefined = templates[template as TemplateName];
  if (!definition) throw new PermanentMailError(`unknown template ${template}`);
  const parsed = definition.data.safeParse(data);
  if (!parsed.success)
    throw new PermanentMailError(`bad data for ${template}: ${parsed.error.message}`);
  return definition.render(parsed.data, { db });
}

class PermanentMailError extends Error {}

/** Records the attempt in the outbox; returns the row's status before this attempt. */
async function recordAttempt(
  deps: MailDeps,
  message: { mailId: string; template: string; to: string },
  mail: RenderedMail,
) {
  const now = deps.now();
  const [row] = await deps.db
    .insert(outbox)
    .values({
      mailId: message.mailId,
      template: message.template,
      to: message.to,
      subject: mail.subject,
      text: mail.text,
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        contentBase64: toBase64(a.content),
      })),
      status: "queued",
      attempts: 1,
      createdAt: now,
    })
    .onConflictDoUpdate({
      target: outbox.mailId,
      set: { attempts: sql`${outbox.attempts} + 1` },
    })
    .returning({ status: outbox.status, attempts: outbox.attempts });
  return row;
}

export async function consumeMailBatch(
  batch: MessageBatch<unknown>,
  deps: MailDeps,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = mailMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // Retrying a malformed message cannot help; drop it loudly.
      log("error", "mail.malformed", { messageId: message.id, issues: parsed.error.issues });
      message.ack();
      continue;
    }
    const mail = parsed.data;
    try {
      const rendered = await render(mail.template, mail.data, deps.db);
      const row = await recordAttempt(deps, mail, rendered);
      if (row?.status === "sent") {
        message.ack(); // a redelivery of a mail already sent
        continue;
      }
      await deps.transport.send({ ...rendered, to: mail.to });
      await deps.db
        .update(outbox)
        .set({ status: "sent", sentAt: deps.now(), lastError: null })
        .where(eq(outbox.mailId, mail.mailId));
      log("info", "mail.sent", {
        mailId: mail.mailId,
        template: mail.template,
        transport: deps.transport.name,
      });
      message.ack();
    } catch (error) {
      if (error instanceof PermanentMailError) {
        log("error", "mail.unrenderable", { mailId: mail.mailId, ...errorFields(error) });
        await markFailed(deps, mail, error.message);
        message.ack();
        continue;
      }
      log("warn", "mail.retry", {
        mailId: mail.mailId,
        attempt: message.attempts,
        ...errorFields(error),
      });
      await deps.db
        .update(outbox)
        .set({ lastError: error instanceof Error ? error.message : String(error) })
        .where(eq(outbox.mailId, mail.mailId));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

async function markFailed(
  deps: MailDeps,
  mail: { mailId: string; template: string; to: string },
  reason: string,
) {
  // The row may not exist when rendering never succeeded; record the failure either way.
  await deps.db
    .insert(outbox)
    .values({
      mailId: mail.mailId,
      template: mail.template,
      to: mail.to,
      subject: "",
      text: "",
      attachments: [],
      status: "failed",
      attempts: 0,
      lastError: reason,
      createdAt: deps.now(),
    })
    .onConflictDoUpdate({
      target: outbox.mailId,
      set: { status: "failed", lastError: reason },
      setWhere: ne(outbox.status, "sent"),
    });
}

/** The dead-letter consumer: whatever is left after the retries is marked failed. */
export async function consumeMailDeadLetters(
  batch: MessageBatch<unknown>,
  deps: MailDeps,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = mailMessageSchema.safeParse(message.body);
    if (parsed.success) {
      const [row] = await deps.db
        .select({ lastError: outbox.lastError })
        .from(outbox)
        .where(and(eq(outbox.mailId, parsed.data.mailId)));
      await markFailed(deps, parsed.data, row?.lastError ?? "retries exhausted");
      log("error", "mail.dead_lettered", { mailId: parsed.data.mailId });
    }
    message.ack();
  }
}
