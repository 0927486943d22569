import { z } from "@hono/zod-openapi";
import type { ModuleManifest } from "../module";
import { guards } from "./guards";
import { jsonResponse } from "./openapi";
import { defineRoute } from "./route";

const healthRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/health",
      operationId: "health",
      guard: guards.public,
      tags: ["Platform"],
      summary: "Liveness, with a D1 round trip",
      description: "`ok` once the Worker can reach its database.",
      responses: { 200: jsonResponse(z.object({ status: z.enum(["ok"]) }), "The Worker is up") },
    },
    async (c) => {
      await c.env.DB.prepare("select 1").first();
      return c.json({ status: "ok" as const }, 200);
    },
  ),
];

/** The platform's liveness check. */
export const healthModule: ModuleManifest = { name: "health", routes: healthRoutes, tables: {} };
