import { z } from "@hono/zod-openapi";
import { notFound } from "../../lib/errors";
import { idSchema } from "../../lib/ids";
import { guards } from "../../platform/http/guards";
import { errors, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import { saleIdSchema, storedTransactionSchema } from "./dto";
import { ingestStub } from "./ingest-do";
import { shardOf } from "./shards";
import { storedJson } from "./stored";

const transactionSchema = storedTransactionSchema
  .extend({
    refunds: z.array(storedTransactionSchema).optional().openapi({
      description: "A sale's refunds, oldest first",
    }),
    left_to_refund: z.number().int().optional().openapi({
      description: "A sale's quantity not refunded yet",
    }),
  })
  .openapi("Transaction");

export const transactionRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/shops/{shop_id}/sales/{id}",
      operationId: "getTransaction",
      guard: guards.scopes("sales:write", "reports:read"),
      tags: ["Sales"],
      summary: "Read one sale or refund back",
      description:
        "What the shop's shard or D1 holds under this id (a sale with its refunds, or a refund): after an ambiguous network " +
        "failure a terminal learns here whether its transaction was stored. A key bound to another shop gets a 404.",
      request: {
        params: z.object({
          shop_id: idSchema.openapi({ param: { name: "shop_id", in: "path" } }),
          id: saleIdSchema.openapi({ param: { name: "id", in: "path" }, example: "R-000124" }),
        }),
      },
      responses: { 200: jsonResponse(transactionSchema, "The transaction"), 404: errors[404] },
    },
    async (c) => {
      const { shop_id: shopId, id } = c.req.valid("param");
      const p = c.var.ctx.principal;
      const missing = notFound(`Shop ${shopId} has no sale or refund ${id}.`);
      if (p.kind === "api_key" && p.shopId !== null && p.shopId !== shopId) throw missing;
      const { stored, refunds } = await ingestStub(c.env, shardOf(shopId)).transaction(shopId, id);
      if (!stored) throw missing;
      if (stored.refundOf !== null) return c.json(storedJson(stored), 200);
      const refunded = refunds.reduce((sum, r) => sum + r.quantity, 0);
      return c.json(
        {
          ...storedJson(stored),
          refunds: refunds.map(storedJson),
          left_to_refund: stored.quantity - refunded,
        },
        200,
      );
    },
  ),
];
