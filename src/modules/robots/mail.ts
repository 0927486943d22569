import { z } from "zod";
import { defineTemplate } from "../../platform/mail/template";
import { buildWeeklyWorkbook, weeklyFilename, XLSX_TYPE } from "./report";

// ru is the product's original text word for word (docs/API.md#robots).
const TEXTS = {
  ru: {
    inStockSubject: "Робот в наличии",
    inStock: (model: string, version: string) =>
      "Добрый день!\n" +
      `Недавно вы интересовались нашим роботом модели ${model}, версии ${version}.\n` +
      "Этот робот теперь в наличии. Если вам подходит этот вариант - пожалуйста, свяжитесь с нами.",
    weeklySubject: (end: string) => `Производство роботов за неделю до ${end}`,
    weekly: (end: string) =>
      `Сводка производства роботов за 7 дней по ${end} включительно — во вложении.`,
  },
  en: {
    inStockSubject: "Robot in stock",
    inStock: (model: string, version: string) =>
      "Good afternoon!\n" +
      `You recently asked about our robot, model ${model}, version ${version}.\n` +
      "This robot is now in stock. If it suits you, please get in touch with us.",
    weeklySubject: (end: string) => `Robot production, the week to ${end}`,
    weekly: (end: string) => `Attached: robot production for the 7 days up to ${end} inclusive.`,
  },
};

export const robotInStockMail = defineTemplate({
  name: "robot-in-stock",
  data: z.object({ model: z.string(), version: z.string() }),
  render: ({ model, version }, ctx) => {
    const t = TEXTS[ctx.config.MAIL_LOCALE];
    return { subject: t.inStockSubject, text: t.inStock(model, version), attachments: [] };
  },
});

/** The weekly workbook, built when the mail is sent (the message carries only the week's end). */
export const weeklyRobotReportMail = defineTemplate({
  name: "weekly-robot-report",
  data: z.object({ end: z.iso.date() }),
  render: async ({ end }, ctx) => ({
    subject: TEXTS[ctx.config.MAIL_LOCALE].weeklySubject(end),
    text: TEXTS[ctx.config.MAIL_LOCALE].weekly(end),
    attachments: [
      {
        filename: weeklyFilename(end),
        contentType: XLSX_TYPE,
        content: await buildWeeklyWorkbook(ctx.db, end),
      },
    ],
  }),
});
