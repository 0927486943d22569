import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { notFound } from "../../lib/errors";
import { idParams } from "../../lib/ids";
import { guards } from "../http/guards";
import { errors, jsonResponse } from "../http/openapi";
import { defineRoute } from "../http/route";
import type { JobRegistry } from "./job";
import { runScheduledJobNow } from "./runner";
import { jobs } from "./schema";

const jobSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    attempts: z.number().int(),
    result: z.unknown(),
    error: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Job");

export type JobRow = typeof jobs.$inferSelect;

export function serializeJob(row: JobRow) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    attempts: row.attempts,
    result: row.result ?? null,
    error: row.error,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function getJob(db: Db, id: number): Promise<JobRow> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row) throw notFound(`There is no job ${id}.`);
  return row;
}

export function jobRoutes(registry: JobRegistry) {
  const names = registry.scheduled.map((job) => job.name);
  const runResultSchema = z
    .object({
      job: z.string().openapi({ enum: names }),
      period: z.string(),
      applied: z.boolean(),
      result: z.unknown(),
    })
    .openapi("JobRun");
  return [
    defineRoute(
      {
        method: "post",
        path: "/api/v1/admin/jobs/{name}/run",
        operationId: "runJob",
        guard: guards.admin,
        tags: ["Jobs"],
        summary: "Run a scheduled job now",
        description:
          "A deliberate extra run: it always applies, unlike a retried Cron Trigger for a period that already ran.",
        request: {
          params: z.object({
            name: z
              .string()
              .max(100)
              .openapi({
                param: { name: "name", in: "path" },
                enum: names,
                example: "daily-order-stats",
              }),
          }),
        },
        responses: { 200: jsonResponse(runResultSchema, "The run and what it changed") },
      },
      async (c) => {
        const { name } = c.req.valid("param");
        const job = registry.scheduled.find((j) => j.name === name);
        if (!job) throw notFound(`There is no scheduled job named ${name}.`);
        const outcome = await runScheduledJobNow(job, c.var.ctx);
        return c.json(outcome, 200);
      },
    ),
    defineRoute(
      {
        method: "get",
        path: "/api/v1/admin/jobs/{id}",
        operationId: "getJob",
        guard: guards.admin,
        tags: ["Jobs"],
        summary: "The state of a bulk job",
        description: "Bulk jobs go queued → running → succeeded, or failed after the retries.",
        request: { params: idParams },
        responses: { 200: jsonResponse(jobSchema, "The job"), 404: errors[404] },
      },
      async (c) => c.json(serializeJob(await getJob(c.var.ctx.db, c.req.valid("param").id)), 200),
    ),
  ];
}
