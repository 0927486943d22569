import { eq } from "drizzle-orm";
import { z } from "zod";
import { isUniqueViolation } from "../../db/errors";
import { backoffSeconds } from "../../lib/backoff";
import { errorFields, log } from "../../lib/log";
import type { ServiceContext } from "../context";
import type { BulkJob, JobRegistry, ScheduledJob } from "./job";
import { jobRuns, jobs } from "./schema";

export type RunOutcome = { job: string; period: string; applied: boolean; result: unknown };

/**
 * Runs a scheduled job for one period. The job's statements and the (name, period) row go in
 * one D1 batch (one transaction): a second run for the same period fails as a whole and
 * changes nothing.
 */
export async function runScheduledJob(
  job: ScheduledJob,
  ctx: ServiceContext,
  run: { runFor: Date; period: string; trigger: "cron" | "manual" },
): Promise<RunOutcome> {
  const { period, trigger } = run;
  const { statements, result } = await job.plan(ctx, run.runFor);
  const claim = ctx.db
    .insert(jobRuns)
    .values({ name: job.name, period, trigger, result, startedAt: ctx.clock() });
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

/** A deliberate extra run asked for by the operator: its own period, so it always applies. */
export function runScheduledJobNow(job: ScheduledJob, ctx: ServiceContext): Promise<RunOutcome> {
  const now = ctx.clock();
  return runScheduledJob(job, ctx, {
    runFor: now,
    period: `manual:${now.toISOString()}:${crypto.randomUUID()}`,
    trigger: "manual",
  });
}

/** The Cron Trigger entry: every job whose cron expression fired, for its period. */
export async function dispatchScheduled(
  controller: { cron: string; scheduledTime: number },
  registry: JobRegistry,
  ctx: ServiceContext,
): Promise<RunOutcome[]> {
  const due = registry.scheduled.filter((job) => job.cron === controller.cron);
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
  ctx: ServiceContext,
  job: BulkJob,
  input: unknown,
  opts: { delaySeconds?: number } = {},
): Promise<number> {
  const now = ctx.clock();
  const [row] = await ctx.db
    .insert(jobs)
    .values({ name: job.name, status: "queued", input, createdAt: now, updatedAt: now })
    .returning({ id: jobs.id });
  if (!row) throw new Error("job row was not created");
  await ctx.queues.jobs.send({ jobId: row.id }, { contentType: "json", ...opts });
  return row.id;
}

/** 30 s, 60 s, 120 s, … capped at 10 min, by delivery attempt. */
export const jobRetryDelaySeconds = (attempt: number) => backoffSeconds(attempt, 30, 600);

async function runBulkJob(
  message: Message<unknown>,
  jobId: number,
  registry: JobRegistry,
  ctx: ServiceContext,
) {
  const [row] = await ctx.db.select().from(jobs).where(eq(jobs.id, jobId));
  const definition = row ? registry.bulk.find((job) => job.name === row.name) : undefined;
  if (!row || !definition || row.status === "succeeded") {
    message.ack();
    return;
  }
  const setState = (values: Partial<typeof jobs.$inferInsert>) =>
    ctx.db
      .update(jobs)
      .set({ ...values, updatedAt: ctx.clock() })
      .where(eq(jobs.id, jobId));
  await setState({ status: "running", attempts: row.attempts + 1 });
  try {
    const result = await definition.run(ctx, definition.input.parse(row.input));
    await setState({ status: "succeeded", result, error: null });
    log("info", "job.succeeded", { jobId, job: row.name });
    message.ack();
  } catch (error) {
    log("warn", "job.retry", {
      jobId,
      job: row.name,
      attempt: message.attempts,
      ...errorFields(error),
    });
    await setState({ status: "queued", error: String(error) });
    message.retry({ delaySeconds: jobRetryDelaySeconds(message.attempts) });
  }
}

export async function consumeJobBatch(
  batch: MessageBatch<unknown>,
  registry: JobRegistry,
  ctx: ServiceContext,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log("error", "job.malformed", { messageId: message.id });
      message.ack();
      continue;
    }
    await runBulkJob(message, parsed.data.jobId, registry, ctx);
  }
}

/** The jobs dead-letter consumer: the job is marked failed with its last error. */
export async function consumeJobDeadLetters(
  batch: MessageBatch<unknown>,
  ctx: ServiceContext,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (parsed.success) {
      await ctx.db
        .update(jobs)
        .set({ status: "failed", updatedAt: ctx.clock() })
        .where(eq(jobs.id, parsed.data.jobId));
      log("error", "job.dead_lettered", { jobId: parsed.data.jobId });
    }
    message.ack();
  }
}
