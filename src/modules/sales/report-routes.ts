import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../../env";
import { guards } from "../../platform/http/guards";
import { jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import { monthSchema, topProductsSchema, topShopsSchema } from "./dto";
import { currentMonth, topProducts, topShops } from "./reports";

// Reports are read-mostly and identical for every reader: a short shared cache in front of
// the Rankings object (at most 1 s keeps reports within the 2 s staleness bound), and ETags.
async function cachedReport<T>(
  c: Context<AppEnv>,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const ttl = c.var.ctx.config.REPORT_CACHE_SECONDS;
  c.header("cache-control", `private, max-age=${ttl}`);
  if (ttl === 0) return compute();
  const cacheKey = new Request(`https://reports.retail-edge.internal/${key}`);
  const hit = await caches.default.match(cacheKey);
  if (hit) return hit.json<T>();
  const value = await compute();
  c.executionCtx.waitUntil(
    caches.default.put(
      cacheKey,
      new Response(JSON.stringify(value), {
        headers: { "content-type": "application/json", "cache-control": `max-age=${ttl}` },
      }),
    ),
  );
  return value;
}

const tags = ["Reports"];
const reader = guards.scopes("reports:read");
const monthQuery = z.object({ month: monthSchema.optional() });
const etagHeader = {
  ETag: {
    description: "Answer If-None-Match with it: 304 while unchanged",
    schema: { type: "string" as const },
  },
};

export const reportRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/reports/top-shops",
      operationId: "topShops",
      guard: reader,
      after: [etag()],
      tags,
      summary: "Top 10 shops by revenue in a UTC month",
      description:
        "Revenue = price at sale × quantity. Revenue desc, ties by shop_id asc. Default month: the current UTC month. Includes every acknowledged sale within 2 s.",
      request: { query: monthQuery },
      responses: {
        200: { ...jsonResponse(topShopsSchema, "The ranking"), headers: etagHeader },
        304: { description: "Not modified since the ETag sent", headers: etagHeader },
      },
    },
    async (c) => {
      const month = c.req.valid("query").month ?? currentMonth(c.var.ctx.clock());
      const body = await cachedReport(c, `top-shops/${month}`, () => topShops(c.var.ctx, month));
      return c.json(body, 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/reports/top-products",
      operationId: "topProducts",
      guard: reader,
      after: [etag()],
      tags,
      summary: "Top 10 products by quantity, in a UTC month or all time",
      description: "Quantity desc, ties by product_id asc. Without `month`: all time.",
      request: { query: monthQuery },
      responses: {
        200: { ...jsonResponse(topProductsSchema, "The ranking"), headers: etagHeader },
        304: { description: "Not modified since the ETag sent", headers: etagHeader },
      },
    },
    async (c) => {
      const month = c.req.valid("query").month ?? null;
      const body = await cachedReport(c, `top-products/${month ?? "all"}`, () =>
        topProducts(c.var.ctx, month),
      );
      return c.json(body, 200);
    },
  ),
];
