import { clearDebtJob, debtDecreaseJob, debtIncreaseJob } from "../../modules/network/jobs";
import { dailyOrderStatsJob } from "../../modules/orders/jobs";
import { weeklyRobotReportJob } from "../../modules/robots/jobs";
import type { BulkJob, ScheduledJob } from "./job";

// The modules' jobs, by name. Each module adds its own here as it lands (SPEC §5, §6, §7).
export const scheduledJobs: ScheduledJob[] = [
  dailyOrderStatsJob,
  weeklyRobotReportJob,
  debtIncreaseJob,
  debtDecreaseJob,
];

export const bulkJobs: BulkJob[] = [clearDebtJob as BulkJob];

export function findScheduledJob(name: string): ScheduledJob | undefined {
  return scheduledJobs.find((job) => job.name === name);
}

export function findBulkJob(name: string): BulkJob | undefined {
  return bulkJobs.find((job) => job.name === name);
}
