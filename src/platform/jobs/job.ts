import type { BatchItem } from "drizzle-orm/batch";
import type { z } from "zod";
import type { ServiceContext } from "../context";

/**
 * A scheduled job. `plan` returns the statements of the run; the runner sends them in one
 * D1 batch together with the run's (name, period) row, so a retried trigger fails as a whole.
 */
export type ScheduledJob = {
  name: string;
  cron: string;
  description: string;
  /** The period a scheduled time belongs to, e.g. the previous UTC day for a daily job. */
  period: (scheduledTime: Date) => string;
  /** The run's statements for the time it runs for (the scheduled time, or now when run by hand). */
  plan: (
    ctx: ServiceContext,
    runFor: Date,
  ) => Promise<{ statements: BatchItem<"sqlite">[]; result: unknown }>;
  /** Work outside D1 (e.g. queueing a mail), done only by the run that applied. */
  afterCommit?: (ctx: ServiceContext, result: unknown) => Promise<void>;
};

/** A bulk admin job run through the `jobs` queue; it must be safe to run again after a crash. */
export type BulkJob<S extends z.ZodType = z.ZodType> = {
  name: string;
  input: S;
  run: (ctx: ServiceContext, input: z.infer<S>) => Promise<unknown>;
  /** The stored result as a sentence for the admin's job page. */
  describe: (result: unknown) => string;
};

export function defineScheduledJob(job: ScheduledJob): ScheduledJob {
  return job;
}

export function defineBulkJob<S extends z.ZodType>(job: BulkJob<S>): BulkJob<S> {
  return job;
}

/** The minute of the scheduled time: a retried trigger for the same schedule has the same key. */
export function minutePeriod(scheduledTime: Date): string {
  return scheduledTime.toISOString().slice(0, 16);
}

/** Every job of every module, by name. */
export type JobRegistry = {
  scheduled: readonly ScheduledJob[];
  bulk: readonly BulkJob[];
};
