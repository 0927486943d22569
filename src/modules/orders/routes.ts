import { z } from "@hono/zod-openapi";
import { log } from "../../lib/log";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { type AppRoute, aliasRoute, defineRoute } from "../../platform/http/route";
import {
  dailyQuerySchema,
  dailyStatsSchema,
  dayAfterCursor,
  orderOutSchema,
  serializeDaily,
  serializeOrder,
  serializeStats,
  statsSchema,
  uploadResultSchema,
  uploadSchema,
  userQuerySchema,
} from "./dto";
import { dailyStats, getOrder, listOrders, sellerStats, uploadOrders } from "./service";

const tags = ["Orders"];
// Sellers' keys are bound to their seller: the services check the binding.
const writer = guards.scopes("orders:write");
const reader = guards.scopes("reports:read", "orders:write");

const upload = defineRoute(
  {
    method: "post",
    path: "/api/v1/orders/upload",
    operationId: "uploadOrders",
    guard: writer,
    tags,
    summary: "Upload up to 1000 orders of one seller (all or nothing)",
    description:
      "Unknown seller → created. An order number the seller has → updated, its items replaced. " +
      "An order number of another seller → 409. The same number twice in one body → 400. " +
      "Every order needs at least one item. Body limit 5 MiB (decompressed, with `Content-Encoding: gzip`).",
    request: { body: jsonBody(uploadSchema) },
    responses: {
      200: {
        ...jsonResponse(uploadResultSchema, "Saved"),
        headers: {
          "Server-Timing": {
            description: '`d1;desc="N statements in 1 batch"`',
            schema: { type: "string" },
          },
        },
      },
      409: errors[409],
    },
  },
  async (c) => {
    const started = performance.now();
    const result = await uploadOrders(c.var.ctx, c.req.valid("json"));
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
);

const stats = defineRoute(
  {
    method: "get",
    path: "/api/v1/orders/stats",
    operationId: "sellerStats",
    guard: reader,
    tags,
    summary: "A seller's order count, revenue and average order value",
    description:
      "Readable by the admin, a reports:read key (or owner), or the seller's own orders:write key. Averages round half up to the kopeck.",
    request: { query: userQuerySchema },
    responses: { 200: jsonResponse(statsSchema, "The statistics"), 404: errors[404] },
  },
  async (c) => {
    const { user } = c.req.valid("query");
    return c.json(serializeStats(await sellerStats(c.var.ctx, user)), 200);
  },
);

const daily = defineRoute(
  {
    method: "get",
    path: "/api/v1/orders/stats/daily",
    operationId: "sellerDailyStats",
    guard: reader,
    tags,
    summary: "A seller's statistics per UTC day, as stored by the daily-order-stats job",
    description: "Days in order, `from` and `to` inclusive.",
    request: { query: dailyQuerySchema },
    responses: { 200: jsonResponse(dailyStatsSchema, "Days in order"), 404: errors[404] },
  },
  async (c) => {
    const { user, from, to, limit, cursor } = c.req.valid("query");
    const afterDay = dayAfterCursor(cursor);
    const rows = await dailyStats(c.var.ctx, user, { from, to, afterDay }, limit);
    return c.json(serializeDaily(user, rows, limit), 200);
  },
);

const one = defineRoute(
  {
    method: "get",
    path: "/api/v1/orders/{order_number}",
    operationId: "getOrder",
    guard: writer,
    tags,
    summary: "One order with its items",
    description: "The admin sees every order; a seller's key only that seller's (others are 404).",
    request: {
      params: z.object({
        order_number: z
          .string()
          .min(1)
          .max(50)
          .openapi({ param: { name: "order_number", in: "path" } }),
      }),
    },
    responses: { 200: jsonResponse(orderOutSchema, "The order"), 404: errors[404] },
  },
  async (c) =>
    c.json(serializeOrder(await getOrder(c.var.ctx, c.req.valid("param").order_number)), 200),
);

const list = defineRoute(
  {
    method: "get",
    path: "/api/v1/admin/orders",
    operationId: "listOrders",
    guard: guards.admin,
    tags,
    summary: "List orders, by seller or by a part of the number",
    description: "Orders without their items, by id.",
    request: {
      query: pageQuerySchema.extend({
        seller: z.string().trim().min(1).max(50).optional(),
        q: z.string().trim().min(1).max(50).optional().openapi({
          description: "Order number contains",
        }),
      }),
    },
    responses: {
      200: jsonResponse(pageSchema(orderOutSchema.omit({ items: true })), "A page of orders"),
    },
  },
  async (c) => {
    const { limit, cursor, seller, q } = c.req.valid("query");
    const rows = await listOrders(c.var.ctx.db, { seller, q }, decodeCursor(cursor), limit);
    const page = toPage(rows, limit, serializeOrder);
    return c.json({ ...page, items: page.items.map(({ items: _, ...o }) => o) }, 200);
  },
);

// The original contract lives on under /api/orders, next to the versioned paths.
const legacy = (route: AppRoute, path: string) =>
  aliasRoute(route, path, `${route.spec.operationId}Unversioned`);

export const orderRoutes = [
  upload,
  stats,
  daily,
  one,
  list,
  legacy(upload, "/api/orders/upload"),
  legacy(stats, "/api/orders/stats"),
  legacy(daily, "/api/orders/stats/daily"),
  legacy(one, "/api/orders/{order_number}"),
];
