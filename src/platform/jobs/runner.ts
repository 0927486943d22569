import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { errorFields, log } from "../../lib/log";
import type { BulkJob, JobContext, ScheduledJob } from "./job";
import { findBulkJob, scheduledJobs } from "./registry";
import { jobRuns, jobs } from "./schema";

export type RunOutcome = { job: string; period: string; applied: boolean; result: unknown };

/**
 * Runs a scheduled job for one period. The job's statements and the (name, period) row go in
 * one D1 batch (one transaction): a second run for the same period fails as a whole and
 * changes nothing.
 */
export async function runScheduledJob(
  job: ScheduledJob,
  ctx: JobContext,
  run: { runFor: Date; period: string; trigger: "cron" | "manual" },
): Promise<RunOutcome> {
  const { period, trigger } = run;
  const { statements, result } = await job.plan(ctx, run.runFor);
  const claim = ctx.db
    .insert(jobRuns)
    .values({ name: job.name, period, trigger, result, startedAt: ctx.now });
  try {
    await ctx.db.batch([claim, ...statements]);
  } catch (error) {
    if (isUniqueViolation(error)) {
      log("info", "job.already_ran", { job: job.name, period });
      return { job: job.name, period, applied: false, result: null };
    }
    throw error;
  }
  await job.afterCommit?.(ctx, result);
  log("info", "job.ran", { job: job.name, period, trigger, result });
  return { job: job.name, period, applied: true, result };
}

/** The Cron Trigger entry: every job whose cron expression fired, for its period. */
export async function dispatchScheduled(
  controller: { cron: string; scheduledTime: number },
  ctx: JobContext,
): Promise<RunOutcome[]> {
  const due = scheduledJobs.filter((job) => job.cron === controller.cron);
  if (due.length === 0) log("warn", "job.no_job_for_cron", { cron: controller.cron });
  const scheduledTime = new Date(controller.scheduledTime);
  const outcomes: RunOutcome[] = [];
  for (const job of due) {
    outcomes.push(
      await runScheduledJob(job, ctx, {
        runFor: scheduledTime,
        period: job.period(scheduledTime),
        trigger: "cron",
      }),
    );
  }
  return outcomes;
}

export const jobMessageSchema = z.object({ jobId: z.number().int().positive() });

/** Creates the job row and enqueues it; GET /admin/jobs/:id follows it from there. */
export async function enqueueBulkJob(
  db: Db,
  queue: Queue,
  job: BulkJob,
  input: unknown,
  now: Date,
): Promise<number> {
  const [row] = await db
    .insert(jobs)
    .values({ name: job.name, status: "queued", input, createdAt: now, updatedAt: now })
    .returning({ id: jobs.id });
  if (!row) throw new Error("job row was not created");
  await queue.send({ jobId: row.id }, { contentType: "json" });
  return row.id;
}

export function jobRetryDelaySeconds(attempt: number): number {
  return Math.min(600, 30 * 2 ** Math.max(0, attempt - 1));
}

export async function consumeJobBatch(
  batch: MessageBatch<unknown>,
  makeContext: () => JobContext,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log("error", "job.malformed", { messageId: message.id });
      message.ack();
      continue;
    }
    const ctx = makeContext();
    const { jobId } = parsed.data;
    const [row] = await ctx.db.select().from(jobs).where(eq(jobs.id, jobId));
    const definition = row ? findBulkJob(row.name) : undefined;
    if (!row || !definition || row.status === "succeeded") {
      message.ack();
      continue;
    }
    await ctx.db
      .update(jobs)
      .set({ status: "running", attempts: row.attempts + 1, updatedAt: ctx.now })
      .where(eq(jobs.id, jobId));
    try {
      const result = await definition.run(ctx, definition.input.parse(row.input));
      await ctx.db
        .update(jobs)
        .set({ status: "succeeded", result, error: null, updatedAt: new Date() })
        .where(eq(jobs.id, jobId));
      log("info", "job.succeeded", { jobId, job: row.name });
      message.ack();
    } catch (error) {
      log("warn", "job.retry", {
        jobId,
        job: row.name,
        attempt: message.attempts,
        ...errorFields(error),
      });
      await ctx.db
        .update(jobs)
        .set({ status: "queued", error: String(error), updatedAt: new Date() })
        .where(eq(jobs.id, jobId));
      message.retry({ delaySeconds: jobRetryDelaySeconds(message.attempts) });
    }
  }
}

/** The jobs dead-letter consumer: the job is marked failed with its last error. */
export async function consumeJobDeadLetters(batch: MessageBatch<unknown>, db: Db): Promise<void> {
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (parsed.success) {
      await db
        .update(jobs)
        .set({ status: "failed", updatedAt: new Date() })
        .where(eq(jobs.id, parsed.data.jobId));
      log("error", "job.dead_lettered", { jobId: parsed.data.jobId });
    }
    message.ack();
  }
}
