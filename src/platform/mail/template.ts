import type { HtmlEscapedString } from "hono/utils/html";
import type { z } from "zod";
import type { ServiceContext } from "../context";

/** `contentId`: shown inline, where the HTML part says `cid:<contentId>`. */
export type RenderedAttachment = {
  filename: string;
  contentType: string;
  content: Uint8Array;
  contentId?: string;
};
/** `html`: the template's own HTML body (escaped by hono's `html`); else the text's paragraphs. */
export type RenderedMail = {
  subject: string;
  text: string;
  html?: HtmlEscapedString | Promise<HtmlEscapedString>;
  attachments: RenderedAttachment[];
};

/** A mail template: its name on the queue, the data it needs, and how it renders. */
export type MailTemplate<S extends z.ZodType = z.ZodType> = {
  name: string;
  data: S;
  render: (data: z.infer<S>, ctx: ServiceContext) => Promise<RenderedMail> | RenderedMail;
};

/** The language of every mail (MAIL_LOCALE): a template's texts in each. */
export type MailLocale = "ru" | "en";

export function defineTemplate<S extends z.ZodType>(template: MailTemplate<S>): MailTemplate<S> {
  return template;
}
