import { z } from "zod";
import { defineTemplate } from "../../platform/mail/template";
import { buildWeeklyWorkbook, XLSX_FILENAME, XLSX_TYPE } from "./report";

export const robotInStockMail = defineTemplate({
  name: "robot-in-stock",
  data: z.object({ model: z.string(), version: z.string() }),
  render: ({ model, version }) => ({
    subject: "Робот в наличии",
    text:
      "Добрый день!\n" +
      `Недавно вы интересовались нашим роботом модели ${model}, версии ${version}.\n` +
      "Этот робот теперь в наличии. Если вам подходит этот вариант - пожалуйста, свяжитесь с нами.",
    attachments: [],
  }),
});

/** The weekly workbook, built when the mail is sent (the message carries only the week's end). */
export const weeklyRobotReportMail = defineTemplate({
  name: "weekly-robot-report",
  data: z.object({ end: z.iso.date() }),
  render: async ({ end }, ctx) => ({
    subject: `Производство роботов за неделю до ${end}`,
    text: `Сводка производства роботов за 7 дней по ${end} включительно — во вложении.`,
    attachments: [
      {
        filename: XLSX_FILENAME,
        contentType: XLSX_TYPE,
        content: await buildWeeklyWorkbook(ctx.db, end),
      },
    ],
  }),
});
