import { z } from "zod";
import type { MailTemplate } from "./template";

export const mailMessageSchema = z.object({
  mailId: z.uuid(),
  template: z.string(),
  to: z.email(),
  data: z.unknown(),
});

export type MailMessage = z.infer<typeof mailMessageSchema>;

/** Producers only enqueue; the `mail` consumer renders, sends and records the message. */
export async function enqueueMail<S extends z.ZodType>(
  queue: Queue,
  template: MailTemplate<S>,
  to: string,
  data: z.input<S>,
): Promise<string> {
  const mailId = crypto.randomUUID();
  const message: MailMessage = { mailId, template: template.name, to: to.toLowerCase(), data };
  await queue.send(message, { contentType: "json" });
  return mailId;
}
