import { defineScheduledJob } from "../../platform/jobs/job";
import { dailyStatsStatement, previousUtcDay } from "./service";

/** 00:05 UTC: each seller's count, revenue and average order for the previous UTC day. */
export const dailyOrderStatsJob = defineScheduledJob({
  name: "daily-order-stats",
  cron: "5 0 * * *",
  description: "Stores each seller's order count, revenue and average for the previous UTC day",
  period: (scheduledTime) => previousUtcDay(scheduledTime).day,
  plan: async (ctx, runFor) => {
    const { day, statement } = dailyStatsStatement(ctx.db, runFor);
    return { statements: [statement], result: { day } };
  },
});
