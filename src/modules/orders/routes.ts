import { createRoute, z } from "@hono/zod-openapi";
import type { Principal } from "../../env";
import { authenticate } from "../../lib/auth";
import { ApiError } from "../../lib/errors";
import { log } from "../../lib/log";
import { bearer, createRouter, errors, jsonBody, jsonResponse } from "../../lib/openapi";
import {
  dailyQuerySchema,
  dailyStatsSchema,
  orderOutSchema,
  statsSchema,
  uploadResultSchema,
  uploadSchema,
  userQuerySchema,
} from "./dto";
import { dailyStats, getOrder, sellerStats, uploadOrders } from "./service";

/** Writes: the admin, or an orders:write key bound to this seller. */
function assertSellerWriter(p: Principal, seller: string) {
  if (p.kind === "admin") return;
  if (p.kind === "api_key" && p.scopes.includes("orders:write")) {
    if (p.seller === seller) return;
    throw new ApiError("forbidden", `This key uploads orders for seller ${p.seller} only.`);
  }
  throw new ApiError("forbidden", "This endpoint needs the admin token or an orders:write key.");
}

/** Reads: the admin, a reports:read key, or the seller's own orders:write key. */
function assertSellerReader(p: Principal, seller: string) {
  if (p.kind === "admin") return;
  if (p.kind === "api_key" && p.scopes.includes("reports:read")) return;
  if (p.kind === "api_key" && p.scopes.includes("orders:write") && p.seller === seller) return;
  throw new ApiError(
    "forbidden",
    "This endpoint needs the admin token, a reports:read key or the seller's key.",
  );
}

const common = { 400: errors[400], 401: errors[401], 403: errors[403] };

export const orderRoutes = createRouter();
orderRoutes.use(authenticate);
orderRoutes
  .openapi(
    createRoute({
      method: "post",
      path: "/upload",
      tags: ["Orders"],
      summary: "Upload up to 1000 orders of one seller (all or nothing)",
      description:
        "Unknown seller → created. An order number the seller has → updated, its items replaced. " +
        "An order number of another seller → 409. The same number twice in one body → 400. " +
        "Every order needs at least one item. Body limit 5 MiB.",
      security: bearer,
      request: { body: jsonBody(uploadSchema) },
      responses: {
        200: jsonResponse(uploadResultSchema, "Saved"),
        ...common,
        409: errors[409],
        413: errors[413],
        415: errors[415],
      },
    }),
    async (c) => {
      const started = performance.now();
      const body = c.req.valid("json");
      assertSellerWriter(c.var.principal, body.user);
      const result = await uploadOrders(c.var.db, body, new Date());
      log("info", "orders.upload", {
        request_id: c.var.requestId,
        user: result.user,
        created: result.created,
        updated: result.updated,
        items: result.items,
        statements: result.statements,
        duration_ms: Math.round(performance.now() - started),
      });
      c.header("server-timing", `d1;desc="${result.statements} statements in 1 batch"`);
      return c.json({ user: result.user, created: result.created, updated: result.updated }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/stats",
      tags: ["Orders"],
      summary: "A seller's order count, revenue and average order value",
      description:
        "Readable by the admin, a reports:read key, or the seller's own orders:write key.",
      security: bearer,
      request: { query: userQuerySchema },
      responses: { 200: jsonResponse(statsSchema, "The statistics"), ...common, 404: errors[404] },
    }),
    async (c) => {
      const { user } = c.req.valid("query");
      assertSellerReader(c.var.principal, user);
      return c.json(await sellerStats(c.var.db, user), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/stats/daily",
      tags: ["Orders"],
      summary: "A seller's statistics per UTC day, as stored by the daily_order_stats job",
      security: bearer,
      request: { query: dailyQuerySchema },
      responses: {
        200: jsonResponse(dailyStatsSchema, "Days in order"),
        ...common,
        404: errors[404],
      },
    }),
    async (c) => {
      const { user, from, to } = c.req.valid("query");
      assertSellerReader(c.var.principal, user);
      return c.json(await dailyStats(c.var.db, user, from, to), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{order_number}",
      tags: ["Orders"],
      summary: "One order with its items",
      description:
        "The admin sees every order; a seller's key only that seller's (others are 404).",
      security: bearer,
      request: {
        params: z.object({
          order_number: z
            .string()
            .min(1)
            .max(50)
            .openapi({ param: { name: "order_number", in: "path" } }),
        }),
      },
      responses: { 200: jsonResponse(orderOutSchema, "The order"), ...common, 404: errors[404] },
    }),
    async (c) => {
      const { order_number } = c.req.valid("param");
      const p = c.var.principal;
      let seller: string | null = null;
      if (p.kind === "api_key" && p.scopes.includes("orders:write")) seller = p.seller;
      else if (p.kind !== "admin") {
        throw new ApiError(
          "forbidden",
          "This endpoint needs the admin token or the seller's orders:write key.",
        );
      }
      return c.json(await getOrder(c.var.db, order_number, seller), 200);
    },
  );
