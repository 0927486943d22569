import { z } from "@hono/zod-openapi";
import { guards } from "../../../platform/http/guards";
import { jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { archiveFileResponse, listMonths, requestArchive, requestReopen } from "./admin";

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
