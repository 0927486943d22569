import type { z } from "zod";
import type { ServiceContext } from "../context";

export type RenderedAttachment = { filename: string; contentType: string; content: Uint8Array };
export type RenderedMail = { subject: string; text: string; attachments: RenderedAttachment[] };

/** A mail template: its name on the queue, the data it needs, and how it renders. */
export type MailTemplate<S extends z.ZodType = z.ZodType> = {
  name: string;
  data: S;
  render: (data: z.infer<S>, ctx: ServiceContext) => Promise<RenderedMail> | RenderedMail;
};

export function defineTemplate<S extends z.ZodType>(template: MailTemplate<S>): MailTemplate<S> {
  return template;
}
