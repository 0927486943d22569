import { z } from "zod";
import { defineTemplate } from "../../platform/mail/template";

export const welcomeMail = defineTemplate({
  name: "welcome",
  data: z.object({ username: z.string() }),
  render: ({ username }) => ({
    subject: "Регистрация",
    text: `Добро пожаловать, ${username}! Вы успешно зарегистрировались.`,
    attachments: [],
  }),
});
