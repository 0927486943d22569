import type { z } from "zod";
import type { Db } from "../../db/client";

export type RenderedAttachment = { filename: string; contentType: string; content: Uint8Array };
export type RenderedMail = { subject: string; text: string; attachments: RenderedAttachment[] };

/** A mail template: the data it needs (checked again by the consumer) and how it renders. */
export type MailTemplate<S extends z.ZodType = z.ZodType> = {
  data: S;
  render: (data: z.infer<S>, deps: { db: Db }) => Promise<RenderedMail> | RenderedMail;
};

export function defineTemplate<S extends z.ZodType>(template: MailTemplate<S>): MailTemplate<S> {
  return template;
}
