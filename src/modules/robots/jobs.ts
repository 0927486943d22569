import { z } from "zod";
import { defineScheduledJob } from "../../platform/jobs/job";
import { enqueueMail } from "../../platform/mail/producer";
import { weeklyRobotReportMail } from "./mail";

/** The last full UTC day before `time`: Monday 07:00 → the Sunday, so the week is Mon–Sun. */
function weekEnd(time: Date): string {
  return new Date(time.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/** Monday 07:00 UTC: last week's production workbook, mailed to REPORT_EMAIL. */
export const weeklyRobotReportJob = defineScheduledJob({
  name: "weekly-robot-report",
  cron: "0 7 * * 1",
  description: "Mails the weekly robot production workbook to REPORT_EMAIL",
  period: weekEnd,
  plan: async (_ctx, runFor) => ({ statements: [], result: { end: weekEnd(runFor) } }),
  afterCommit: async (ctx, result) => {
    const { end } = z.object({ end: z.string() }).parse(result);
    await enqueueMail(ctx.queues.mail, weeklyRobotReportMail, ctx.config.REPORT_EMAIL, { end });
  },
});
