import { z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { HttpError } from "../../../lib/errors";
import type { ServiceContext } from "../../../platform/context";
import { guards } from "../../../platform/http/guards";
import { jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { defineBulkJob, defineScheduledJob } from "../../../platform/jobs/job";
import { enqueueBulkJob } from "../../../platform/jobs/runner";
import { freezeMonth, monthDays, runArchive } from "./job";
import { forgetFrozenMonths } from "./months";
import { runReopen } from "./reopen";
import { archiveFiles, archiveMonths } from "./schema";

const tags = ["Archive"];
const monthParams = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
    .openapi({ param: { name: "month", in: "path" }, example: "2026-01" }),
});

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

/** A month's job queued: follow it at GET /api/v1/admin/jobs/{job_id}. */
const queuedSchema = z.object({ job_id: z.number().int(), month: z.string() });

const fileSchema = z.object({
  key: z.string(),
  kind: z.enum(["sales", "refunds"]),
  rows: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
  net: z.number().int().openapi({ description: "Σ net of the file's transactions, minor units" }),
  deleted_rows: z.number().int().openapi({ description: "Its rows already gone from D1" }),
});
const monthSchema = z
  .object({
    month: z.string(),
    state: z.enum(["open", "archiving", "archived"]),
    phase: z.enum(["freeze", "write", "delete", "done", "reopen"]),
    files: z.array(fileSchema),
    sales: z.number().int(),
    refunds: z.number().int(),
    net: z
      .number()
      .int()
      .openapi({ description: "Σ net of the month's receipts minus refunds, minor units" }),
    bytes: z.number().int(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("ArchiveMonth");

async function listMonths(ctx: ServiceContext) {
  const [months, files] = await Promise.all([
    ctx.db.select().from(archiveMonths).orderBy(asc(archiveMonths.month)),
    ctx.db.select().from(archiveFiles).orderBy(asc(archiveFiles.part)),
  ]);
  return months.map((m) => {
    const own = files.filter((f) => f.month === m.month);
    const sum = (kind: string, f: (x: (typeof own)[number]) => number) =>
      own.filter((x) => kind === "*" || x.kind === kind).reduce((n, x) => n + f(x), 0);
    return {
      month: m.month,
      state: m.state,
      phase: m.phase,
      files: own.map((f) => ({
        key: f.key,
        kind: f.kind,
        rows: f.rows,
        bytes: f.bytes,
        sha256: f.sha256,
        net: f.netMinor,
        deleted_rows: f.deletedRows,
      })),
      sales: sum("sales", (x) => x.rows),
      refunds: sum("refunds", (x) => x.rows),
      net: sum("sales", (x) => x.netMinor) - sum("refunds", (x) => x.netMinor),
      bytes: sum("*", (x) => x.bytes),
      started_at: m.startedAt.toISOString(),
      finished_at: m.finishedAt?.toISOString() ?? null,
    };
  });
}

export const archiveRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/archive",
      operationId: "listArchive",
      guard: guards.admin,
      tags,
      summary: "The archived months, their state and their Parquet files",
      description: "docs/ARCHIVE.md#the-files says what each file's columns are.",
      responses: { 200: jsonResponse(z.object({ months: z.array(monthSchema) }), "The archive") },
    },
    async (c) => c.json({ months: await listMonths(c.var.ctx) }, 200),
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/archive/{month}/run",
      operationId: "runArchive",
      guard: guards.admin,
      tags,
      summary: "Archive a closed month to R2 now",
      description:
        "The month must have ended for every shop (409 otherwise). From this call on the month takes no new transactions (409 `month_archived`); the job (202, follow GET /api/v1/admin/jobs/{job_id}) writes its Parquet parts, checks each against D1, then deletes those rows from D1. Running it again for a month being archived goes on where it stopped.",
      request: { params: monthParams },
      responses: {
        202: jsonResponse(queuedSchema, "Queued"),
      },
    },
    async (c) => {
      const { month } = c.req.valid("param");
      const ctx = c.var.ctx;
      if (!closedFor(month, ctx.clock(), 0))
        throw new HttpError("conflict", `${month} has not ended for every shop yet.`, {
          errors: [{ path: "month", message: "must have ended in every shop's zone" }],
        });
      return c.json({ job_id: await startArchive(ctx, month), month }, 202);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/archive/{month}/reopen",
      operationId: "reopenArchivedMonth",
      guard: guards.admin,
      tags,
      summary: "Bring an archived month back to D1",
      description:
        "For a month that must take transactions again (a late import, a correction). Its parts are inserted back into D1 and removed from R2, then the month is open: new transactions dated in it are accepted, and the archive job may move it again later (to new parts). 409 unless the month is archived. The job: 202, follow GET /api/v1/admin/jobs/{job_id}.",
      request: { params: monthParams },
      responses: {
        202: jsonResponse(queuedSchema, "Queued"),
      },
    },
    async (c) => {
      const { month } = c.req.valid("param");
      const ctx = c.var.ctx;
      const [moved] = await ctx.db
        .update(archiveMonths)
        .set({ phase: "reopen" })
        .where(and(eq(archiveMonths.month, month), eq(archiveMonths.state, "archived")))
        .returning({ month: archiveMonths.month });
      if (!moved)
        throw new HttpError("conflict", `${month} is not archived.`, {
          errors: [{ path: "month", message: "only an archived month can be reopened" }],
        });
      forgetFrozenMonths();
      return c.json({ job_id: await enqueueBulkJob(ctx, reopenJob, { month }), month }, 202);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/archive/files/{key}",
      operationId: "downloadArchiveFile",
      guard: guards.admin,
      tags,
      summary: "Download one archived Parquet file",
      description: "`key` as GET /api/v1/admin/archive lists it, URL-encoded.",
      request: {
        params: z.object({
          key: z.string().openapi({ param: { name: "key", in: "path" } }),
        }),
      },
      responses: {
        200: {
          description: "The file",
          content: {
            "application/vnd.apache.parquet": { schema: z.string().openapi({ format: "binary" }) },
          },
        },
      },
    },
    async (c) => {
      const { key } = c.req.valid("param");
      const [file] = await c.var.ctx.db
        .select({ key: archiveFiles.key })
        .from(archiveFiles)
        .where(eq(archiveFiles.key, key));
      const object = file ? await c.env.ARCHIVE.get(file.key) : null;
      if (!object) throw new HttpError("not_found", `No archived file ${key}.`);
      return new Response(object.body, {
        headers: {
          "content-type": "application/vnd.apache.parquet",
          "content-length": String(object.size),
          "content-disposition": `attachment; filename="${key.replaceAll("/", "_")}"`,
        },
      });
    },
  ),
];
