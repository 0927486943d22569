// What the operator does with the archive (docs/ARCHIVE.md#the-job): the months as they stand,
// a month archived or reopened on request, a file downloaded; and the jobs that do the work.
import { z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { conflict, HttpError } from "../../../lib/errors";
import type { ServiceContext } from "../../../platform/context";
import { defineBulkJob, defineScheduledJob } from "../../../platform/jobs/job";
import { enqueueBulkJob } from "../../../platform/jobs/runner";
import { freezeMonth, monthDays, runArchive } from "./job";
import { forgetFrozenMonths } from "./months";
import { runReopen } from "./reopen";
import { archiveFiles, archiveMonths } from "./schema";

/** Whether every shop's business month `month` ended `days` days before `now` (zones: ±1 day). */
export function closedFor(month: string, now: Date, days: number) {
  const [, next] = monthDays(month);
  return Date.parse(`${next}T00:00:00Z`) + (1 + days) * 86_400_000 <= now.getTime();
}

export const archiveJob = defineBulkJob({
  name: "archive-month",
  input: z.object({ month: z.string() }),
  run: (ctx, { month }) => runArchive(ctx, month),
  describe: (result) => {
    const r = result as { month: string; steps: Record<string, number> };
    return `${r.month} archived: ${r.steps.recorded ?? 0} parts written and checked`;
  },
});

export const reopenJob = defineBulkJob({
  name: "archive-reopen",
  input: z.object({ month: z.string() }),
  run: (ctx, { month }) => runReopen(ctx, month),
  describe: (result) => {
    const r = result as { month: string; parts: number };
    return `${r.month} reopened: ${r.parts} parts back in D1`;
  },
});

/** Freezes the months the cron finds closed for ARCHIVE_AFTER_DAYS and queues their archive. */
export const archiveScheduledJob = defineScheduledJob({
  name: "archive-closed-months",
  cron: "40 1 * * *",
  description: "Archives to R2 every month whose business month ended ARCHIVE_AFTER_DAYS ago",
  period: (t) => t.toISOString().slice(0, 10),
  plan: async (ctx, runFor) => {
    const { results } = await ctx.env.DB.prepare(
      `SELECT DISTINCT substr(day, 1, 7) AS month FROM shop_day
       WHERE substr(day, 1, 7) NOT IN (SELECT month FROM archive_months WHERE state != 'open')
       ORDER BY 1`,
    ).all<{ month: string }>();
    const due = results
      .map((r) => r.month)
      .filter((m) => closedFor(m, runFor, ctx.config.ARCHIVE_AFTER_DAYS));
    return { statements: [], result: { months: due } };
  },
  afterCommit: async (ctx, result) => {
    for (const month of (result as { months: string[] }).months) await startArchive(ctx, month);
  },
});

async function startArchive(ctx: ServiceContext, month: string) {
  await freezeMonth(ctx, month);
  return enqueueBulkJob(ctx, archiveJob, { month });
}

/** Archives a month that has ended for every shop (409 otherwise); the job's id. */
export async function requestArchive(ctx: ServiceContext, month: string) {
  if (!closedFor(month, ctx.clock(), 0))
    throw conflict(`${month} has not ended for every shop yet.`, [
      { path: "month", message: "must have ended in every shop's zone" },
    ]);
  return startArchive(ctx, month);
}

/** Brings an archived month back to D1 (409 unless archived); the job's id. */
export async function requestReopen(ctx: ServiceContext, month: string) {
  const [moved] = await ctx.db
    .update(archiveMonths)
    .set({ phase: "reopen" })
    .where(and(eq(archiveMonths.month, month), eq(archiveMonths.state, "archived")))
    .returning({ month: archiveMonths.month });
  if (!moved)
    throw conflict(`${month} is not archived.`, [
      { path: "month", message: "only an archived month can be reopened" },
    ]);
  forgetFrozenMonths();
  return enqueueBulkJob(ctx, reopenJob, { month });
}

/** Each month with sales: archived ones from their files, open ones from the day rollups. */
export async function listMonths(ctx: ServiceContext) {
  const [months, files, rollups] = await Promise.all([
    ctx.db.select().from(archiveMonths).orderBy(asc(archiveMonths.month)),
    ctx.db.select().from(archiveFiles).orderBy(asc(archiveFiles.part)),
    // Net as docs/API.md#figures defines it: gross − discounts − refunds.
    ctx.env.DB.prepare(
      `SELECT substr(day, 1, 7) AS month, sum(sales) AS sales,
              sum(gross_minor - discounts_minor - refunds_minor) AS net
       FROM shop_day GROUP BY 1`,
    ).all<{ month: string; sales: number; net: number }>(),
  ]);
  const known = new Map(months.map((m) => [m.month, m]));
  const all = [...new Set([...known.keys(), ...rollups.results.map((r) => r.month)])].sort();
  return all.map((month) => {
    const m = known.get(month);
    const own = files.filter((f) => f.month === month);
    const sum = (kind: string, f: (x: (typeof own)[number]) => number) =>
      own.filter((x) => kind === "*" || x.kind === kind).reduce((n, x) => n + f(x), 0);
    const rollup = rollups.results.find((r) => r.month === month);
    const archived = m !== undefined && m.state !== "open";
    return {
      month,
      state: m?.state ?? ("open" as const),
      phase: m?.phase ?? null,
      files: own.map((f) => ({
        key: f.key,
        kind: f.kind,
        rows: f.rows,
        bytes: f.bytes,
        sha256: f.sha256,
        net: f.netMinor,
        deleted_rows: f.deletedRows,
      })),
      sales: archived ? sum("sales", (x) => x.rows) : (rollup?.sales ?? 0),
      refunds: archived ? sum("refunds", (x) => x.rows) : null,
      net: archived
        ? sum("sales", (x) => x.netMinor) - sum("refunds", (x) => x.netMinor)
        : (rollup?.net ?? 0),
      bytes: sum("*", (x) => x.bytes),
      started_at: m?.startedAt.toISOString() ?? null,
      finished_at: m?.finishedAt?.toISOString() ?? null,
    };
  });
}

/** An archived file as a download, or null when there is no such file. */
export async function archiveFileResponse(ctx: ServiceContext, key: string) {
  const [file] = await ctx.db
    .select({ key: archiveFiles.key })
    .from(archiveFiles)
    .where(eq(archiveFiles.key, key));
  const object = file ? await ctx.env.ARCHIVE.get(file.key) : null;
  if (!object) throw new HttpError("not_found", `No archived file ${key}.`);
  return new Response(object.body, {
    headers: {
      "content-type": "application/vnd.apache.parquet",
      "content-length": String(object.size),
      "content-disposition": `attachment; filename="${key.replaceAll("/", "_")}"`,
    },
  });
}
