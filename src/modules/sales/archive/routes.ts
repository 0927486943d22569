import { z } from "@hono/zod-openapi";
import { guards } from "../../../platform/http/guards";
import { jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { archiveFileResponse, listMonths, requestArchive, requestReopen } from "./admin";
import { capacity } from "./capacity";

const tags = ["Archive"];
const monthParams = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
    .openapi({ param: { name: "month", in: "path" }, example: "2026-01" }),
});

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
    phase: z.enum(["freeze", "write", "delete", "done", "reopen"]).nullable().openapi({
      description: "The job's next step; null for a month never archived",
    }),
    files: z.array(fileSchema),
    sales: z.number().int(),
    refunds: z.number().int().nullable().openapi({ description: "Counted once archived" }),
    net: z.number().int().openapi({
      description:
        "Σ net of the month's receipts minus refunds, minor units: from its files once archived, else from the day rollups",
    }),
    bytes: z.number().int(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi("ArchiveMonth");

const capacitySchema = z
  .object({
    size_bytes: z.number().int().openapi({ description: "D1's size now, as D1 reports it" }),
    limit_bytes: z.number().int(),
    percent: z.number(),
    warning: z.boolean().openapi({ description: "Above 80 % of the limit" }),
    rows: z
      .record(z.string(), z.number().int())
      .openapi({ description: "Rows per table, as counted at `counted_at`" }),
    counted_at: z.string(),
    bytes_per_sale: z.number().int().nullable().openapi({
      description:
        "D1's bytes over the sales it held at the count: rollups and other tables included",
    }),
    sales_per_day: z.number().int().openapi({ description: "Over the last 7 full days" }),
    full_on: z.iso.date().nullable().openapi({
      description: "The UTC day the recent rate fills the limit; null without sales lately",
    }),
  })
  .openapi("D1Capacity");

export const archiveRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/capacity",
      operationId: "getD1Capacity",
      guard: guards.admin,
      tags,
      summary: "How full D1 is, and when the recent rate of sales fills it",
      description:
        "docs/ARCHIVE.md#d1s-capacity: the size and the rate are read now, the rows per table are the daily `d1-capacity` job's last count (POST /api/v1/admin/jobs/d1-capacity/run counts again).",
      responses: { 200: jsonResponse(capacitySchema, "D1's capacity") },
    },
    async (c) => {
      const d = await capacity(c.var.ctx);
      return c.json(
        {
          size_bytes: d.sizeBytes,
          limit_bytes: d.limitBytes,
          percent: d.percent,
          warning: d.warning,
          rows: d.rows,
          counted_at: d.countedAt.toISOString(),
          bytes_per_sale: d.bytesPerSale,
          sales_per_day: d.salesPerDay,
          full_on: d.fullOn,
        },
        200,
      );
    },
  ),
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
      return c.json({ job_id: await requestArchive(c.var.ctx, month), month }, 202);
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
      return c.json({ job_id: await requestReopen(c.var.ctx, month), month }, 202);
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
      return archiveFileResponse(c.var.ctx, c.req.valid("param").key);
    },
  ),
];
