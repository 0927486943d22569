import { z } from "zod";
import { defineTemplate } from "../../platform/mail/template";

// ru is the product's original text word for word (docs/API.md#library).
const TEXTS = {
  ru: {
    subject: "Регистрация",
    text: (username: string) => `Добро пожаловать, ${username}! Вы успешно зарегистрировались.`,
  },
  en: {
    subject: "Registration",
    text: (username: string) => `Welcome, ${username}! You have registered successfully.`,
  },
};

export const welcomeMail = defineTemplate({
  name: "welcome",
  data: z.object({ username: z.string() }),
  render: ({ username }, ctx) => {
    const t = TEXTS[ctx.config.MAIL_LOCALE];
    return { subject: t.subject, text: t.text(username), attachments: [] };
  },
});
