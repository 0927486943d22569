import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { ApiError } from "../../lib/errors";
import { bearer, createRouter, errors, idParamSchema, jsonResponse } from "../../lib/openapi";
import { findScheduledJob } from "./registry";
import { runScheduledJob } from "./runner";
import { jobs } from "./schema";

const runResultSchema = z
  .object({ job: z.string(), period: z.string(), applied: z.boolean(), result: z.unknown() })
  .openapi("JobRun");

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

export const jobRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{name}/run",
      tags: ["Jobs"],
      summary: "Run a scheduled job now",
      description:
        "A deliberate extra run: it always applies, unlike a retried Cron Trigger for a period that already ran.",
      security: bearer,
      request: {
        params: z.object({
          name: z
            .string()
            .openapi({ param: { name: "name", in: "path" }, example: "daily-order-stats" }),
        }),
      },
      responses: {
        200: jsonResponse(runResultSchema, "The run and what it changed"),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const job = findScheduledJob(name);
      if (!job) throw new ApiError("not_found", `There is no scheduled job named ${name}.`);
      const now = new Date();
      const outcome = await runScheduledJob(
        job,
        { db: c.var.db, env: c.env, now, random: Math.random },
        {
          runFor: now,
          period: `manual:${now.toISOString()}:${crypto.randomUUID()}`,
          trigger: "manual",
        },
      );
      return c.json(outcome, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["Jobs"],
      summary: "The state of a bulk job",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        200: jsonResponse(jobSchema, "The job"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const [row] = await c.var.db.select().from(jobs).where(eq(jobs.id, id));
      if (!row) throw new ApiError("not_found", `There is no job ${id}.`);
      return c.json(
        {
          id: row.id,
          name: row.name,
          status: row.status,
          attempts: row.attempts,
          result: row.result ?? null,
          error: row.error,
          created_at: row.createdAt.toISOString(),
          updated_at: row.updatedAt.toISOString(),
        },
        200,
      );
    },
  );
