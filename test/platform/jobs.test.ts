import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import worker from "../../src/index";
import { jobRegistry } from "../../src/modules";
import { apiKeys } from "../../src/modules/auth/schema";
import type { BulkJob, ScheduledJob } from "../../src/platform/jobs/job";
import { defineBulkJob, defineScheduledJob, minutePeriod } from "../../src/platform/jobs/job";
import { enqueueBulkJob, jobRetryDelaySeconds } from "../../src/platform/jobs/runner";
import { testContext } from "../support/context";
import { admin, eventually, unique } from "../support/http";

// Probe jobs exercise the platform's runner; the modules' real jobs have their own tests.
const PROBE_CRON = "17 4 * * *";
const probeName = unique("probe-");
const scheduledProbe = defineScheduledJob({
  name: probeName,
  cron: PROBE_CRON,
  description: "writes one marker row per run",
  period: minutePeriod,
  plan: async (ctx, runFor) => ({
    statements: [
      ctx.db.insert(apiKeys).values({
        name: `${probeName} ${runFor.toISOString()} ${crypto.randomUUID()}`,
        keyHash: crypto.randomUUID(),
        prefix: "probe",
        scopes: [],
        createdAt: ctx.clock(),
      }),
    ],
    result: { runFor: runFor.toISOString() },
  }),
});
const bulkProbe = defineBulkJob({
  name: unique("bulk-probe-"),
  input: z.object({ fail: z.boolean(), n: z.number() }),
  run: async (_ctx, input) => {
    if (input.fail) throw new Error("probe failure");
    return { doubled: input.n * 2 };
  },
  describe: (result) => `Doubled: ${(result as { doubled: number }).doubled}.`,
});
// The registry is built from the manifests; the probes join it for this file only.
const scheduledJobs = jobRegistry.scheduled as ScheduledJob[];
const bulkJobs = jobRegistry.bulk as BulkJob[];
scheduledJobs.push(scheduledProbe);
bulkJobs.push(bulkProbe as BulkJob);
afterAll(() => {
  scheduledJobs.splice(scheduledJobs.indexOf(scheduledProbe), 1);
  bulkJobs.splice(bulkJobs.indexOf(bulkProbe as BulkJob), 1);
});

/** What a Cron Trigger does: the Worker's scheduled() with a controller for that cron. */
async function runCron(opts: { cron: string; scheduledTime: Date }) {
  await worker.scheduled(createScheduledController(opts), env);
}

async function markerRows() {
  const row = await env.DB.prepare("select count(*) as n from api_keys where name like ?")
    .bind(`${probeName}%`)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("scheduled jobs", () => {
  it("runs the job of a cron expression once per period, however often the trigger retries", async () => {
    const before = await markerRows();
    const scheduledTime = Date.UTC(2026, 10, 23, 4, 17);
    await runCron({
      cron: PROBE_CRON,
      scheduledTime: new Date(scheduledTime),
    });
    await runCron({
      cron: PROBE_CRON,
      scheduledTime: new Date(scheduledTime),
    });
    expect(await markerRows()).toBe(before + 1);
    await runCron({
      cron: PROBE_CRON,
      scheduledTime: new Date(scheduledTime + 86_400_000),
    });
    expect(await markerRows()).toBe(before + 2);
  });

  it("ignores a cron expression that has no job", async () => {
    await runCron({
      cron: "1 2 3 4 5",
      scheduledTime: new Date(),
    });
  });

  it("runs a job on demand as a deliberate extra run that always applies", async () => {
    const before = await markerRows();
    const one = await admin(`/api/v1/admin/jobs/${probeName}/run`, { method: "POST" });
    const two = await admin(`/api/v1/admin/jobs/${probeName}/run`, { method: "POST" });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ job: probeName, applied: true });
    expect(two.json.applied).toBe(true);
    expect(await markerRows()).toBe(before + 2);
  });

  it("answers 404 for an unknown job and 401 without the admin token", async () => {
    expect((await admin("/api/v1/admin/jobs/no-such-job/run", { method: "POST" })).status).toBe(
      404,
    );
    expect((await admin("/api/v1/admin/jobs/424242")).status).toBe(404);
  });
});

describe("bulk jobs through the jobs queue", () => {
  it("runs a queued job and records its result on the job row", async () => {
    const id = await enqueueBulkJob(testContext(), bulkProbe as BulkJob, { fail: false, n: 21 });
    const queued = await admin(`/api/v1/admin/jobs/${id}`);
    expect(queued.status).toBe(200);
    expect(queued.json.name).toBe(bulkProbe.name);
    const done = await eventually(async () => {
      const res = await admin(`/api/v1/admin/jobs/${id}`);
      return res.json.status === "succeeded" ? res.json : undefined;
    });
    expect(done).toMatchObject({ result: { doubled: 42 }, attempts: 1, error: null });
  });

  it("retries a failing job with backoff and the dead-letter consumer marks it failed", async () => {
    const id = await enqueueBulkJob(testContext(), bulkProbe as BulkJob, { fail: true, n: 1 });
    const message = {
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: 1,
      body: { jobId: id },
    };
    const batch = createMessageBatch("jobs", [message]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([{ msgId: message.id }]);
    expect([1, 2, 3, 4, 5, 6].map(jobRetryDelaySeconds)).toEqual([30, 60, 120, 240, 480, 600]);

    const dlq = createMessageBatch("jobs-dlq", [message]);
    const dlqCtx = createExecutionContext();
    await worker.queue(dlq, env);
    await getQueueResult(dlq, dlqCtx);
    const failed = await eventually(async () => {
      const res = await admin(`/api/v1/admin/jobs/${id}`);
      return res.json.status === "failed" ? res.json : undefined;
    });
    expect(failed.error).toContain("probe failure");
  });
});
