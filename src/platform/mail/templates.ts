import { welcomeMail } from "../../modules/auth/mail";
import { companyQrMail } from "../../modules/network/mail";
import { robotInStockMail, weeklyRobotReportMail } from "../../modules/robots/mail";
import type { MailTemplate } from "./template";

// Every template the `mail` consumer can render, by the name producers enqueue.
export const templates = {
  welcome: welcomeMail,
  "robot-in-stock": robotInStockMail,
  "weekly-robot-report": weeklyRobotReportMail,
  "company-qr": companyQrMail,
} satisfies Record<string, MailTemplate>;

export type TemplateName = keyof typeof templates;
