import { z } from "zod";
import type { templates } from "./templates";

export const mailMessageSchema = z.object({
  mailId: z.string().uuid(),
  template: z.string(),
  to: z.string().email(),
  data: z.unknown(),
});

export type MailMessage = z.infer<typeof mailMessageSchema>;

type DataOf<N extends keyof typeof templates> = z.input<(typeof templates)[N]["data"]>;

/** Producers only enqueue; the `mail` consumer renders, sends and records the message. */
export async function enqueueMail<N extends keyof typeof templates>(
  queue: Queue,
  template: N,
  to: string,
  data: DataOf<N>,
): Promise<string> {
  const mailId = crypto.randomUUID();
  const message: MailMessage = { mailId, template, to: to.toLowerCase(), data };
  await queue.send(message, { contentType: "json" });
  return mailId;
}
