import { z } from "@hono/zod-openapi";
import { currencyOf } from "../../../lib/money";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../../lib/pagination";
import { guards } from "../../../platform/http/guards";
import { jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { catalogSnapshot } from "../../catalog";
import { deadLetterSchema, ingestStatusSchema, serializeDeadLetter } from "./admin-dto";
import { flushAllShards, ingestStatus, listDeadLetters } from "./operations";

const tags = ["Sales"];

export const salesAdminRoutes = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/sales/flush",
      operationId: "flushSales",
      guard: guards.admin,
      tags,
      summary: "Flush every shard's buffered sales to D1 now",
      description: "Shards flush on their own within a second; this is for deploys and tests.",
      responses: {
        200: jsonResponse(z.object({ flushed: z.number().int() }), "Sales written"),
      },
    },
    async (c) => c.json({ flushed: await flushAllShards(c.env) }, 200),
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/sales/status",
      operationId: "salesIngestStatus",
      guard: guards.admin,
      tags,
      summary: "Sales waiting in each shard, and how many were set aside",
      description:
        "`dead_letters` counts sales a flush could not write (a bound would be crossed); they are listed at /api/v1/admin/sales/dead-letters.",
      responses: { 200: jsonResponse(ingestStatusSchema, "The ingest pipeline's state") },
    },
    async (c) => c.json(await ingestStatus(c.var.ctx), 200),
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/sales/dead-letters",
      operationId: "listSaleDeadLetters",
      guard: guards.admin,
      tags,
      summary: "Sales that were acknowledged but could not be written",
      description:
        "Each one was answered 202, kept in D1 here with the reason, and is not counted in the reports.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(deadLetterSchema), "A page of set-aside sales") },
    },
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const [rows, catalog] = await Promise.all([
        listDeadLetters(c.var.ctx, decodeCursor(cursor), limit),
        catalogSnapshot(c.var.ctx.db),
      ]);
      const currencies = (shopId: number) =>
        currencyOf(catalog.shops.get(shopId)?.currency ?? c.var.ctx.config.CURRENCY);
      return c.json(
        toPage(rows, limit, (row) => serializeDeadLetter(row, currencies)),
        200,
      );
    },
  ),
];
