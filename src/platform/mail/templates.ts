import { welcomeMail } from "../../modules/auth/mail";
import type { MailTemplate } from "./template";

// Every template the `mail` consumer can render, by the name producers enqueue.
export const templates = {
  welcome: welcomeMail,
} satisfies Record<string, MailTemplate>;

export type TemplateName = keyof typeof templates;
