import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { guards } from "../http/guards";
import { jsonResponse } from "../http/openapi";
import { defineRoute } from "../http/route";
import type { ModuleManifest } from "../module";
import * as tables from "./schema";

const healthRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/health",
      operationId: "health",
      guard: guards.public,
      tags: ["Platform"],
      summary: "Liveness, with a D1 round trip",
      description:
        "`ok` once the Worker can reach its database; `seeding` while `npm start` is still loading the demo data.",
      responses: {
        200: jsonResponse(z.object({ status: z.enum(["ok", "seeding"]) }), "The Worker is up"),
      },
    },
    async (c) => {
      const [seeding] = await c.var.ctx.db
        .select({ key: tables.platformState.key })
        .from(tables.platformState)
        .where(eq(tables.platformState.key, "seeding"));
      return c.json({ status: seeding ? ("seeding" as const) : ("ok" as const) }, 200);
    },
  ),
];

/** The platform's liveness check. */
export const healthModule: ModuleManifest = { name: "health", routes: healthRoutes, tables };
