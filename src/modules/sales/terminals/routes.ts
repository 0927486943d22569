import { z } from "@hono/zod-openapi";
import { HttpError, notFound } from "../../../lib/errors";
import { idSchema } from "../../../lib/ids";
import { seesShop } from "../../../lib/principal";
import { guards } from "../../../platform/http/guards";
import { errors, jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { shopCurrency } from "../core/currency";
import { shardOf, shardStub } from "../core/shards";
import { saleIdSchema, storedTransactionSchema, terminalIdSchema } from "../core/wire";
import { readBack, readBackJson } from "./read-back";
import { syncOf } from "./seqs";

const readBackLineSchema = storedTransactionSchema.shape.lines.element.extend({
  refunded_quantity: z
    .number()
    .int()
    .optional()
    .openapi({ description: "A sale's: refunded so far" }),
  refunded_net: z.number().optional().openapi({ description: "A sale's: net refunded so far" }),
});

const transactionSchema = storedTransactionSchema
  .extend({
    lines: z.array(readBackLineSchema),
    refunds: z.array(storedTransactionSchema).optional().openapi({
      description: "A sale's refunds, oldest first",
    }),
    left_to_refund: z.number().int().optional().openapi({
      description: "A sale's items not refunded yet, on every line together",
    }),
    archived: z.boolean().openapi({
      description: "Read from the archive in R2: its month is archived (docs/ARCHIVE.md)",
    }),
  })
  .openapi("Transaction");

const syncSchema = z
  .object({
    terminal_id: z.string(),
    shop_id: z.number().int(),
    received_through: z.number().int().openapi({
      description: "Every seq from 1 up to this one is held",
    }),
    highest_seq: z.number().int().openapi({ description: "The highest seq held (0: none)" }),
    gaps: z.array(z.tuple([z.number().int(), z.number().int()])).openapi({
      description: "Ranges [from, to] below highest_seq that are not held: send them again",
    }),
    last_seen_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("TerminalSync");

export const terminalRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/terminals/{terminal_id}/sync",
      operationId: "terminalSync",
      guard: guards.scopes("sales:write"),
      tags: ["Sales"],
      summary: "What the server holds from a terminal",
      description:
        "The seqs (docs/API.md#terminals) the shop's shard holds from this terminal, as the highest contiguous one, the highest, and the gaps: " +
        "a terminal re-sends what is missing, and one whose storage was wiped resumes at highest_seq + 1. A `sales:write` key " +
        "answers for its own shop; the operator names the shop with `?shop_id=`. A terminal never heard of has all zeros.",
      request: {
        params: z.object({
          terminal_id: terminalIdSchema.openapi({ param: { name: "terminal_id", in: "path" } }),
        }),
        query: z.object({ shop_id: idSchema.optional() }),
      },
      responses: { 200: jsonResponse(syncSchema, "The terminal's state"), 404: errors[404] },
    },
    async (c) => {
      const terminalId = c.req.valid("param").terminal_id;
      const asked = c.req.valid("query").shop_id;
      const p = c.var.ctx.principal;
      const bound = p.kind === "api_key" ? p.shopId : null;
      if (bound !== null && asked !== undefined && asked !== bound)
        throw notFound(`Shop ${asked} is not this key's.`);
      const shopId = bound ?? asked;
      if (shopId === undefined) {
        throw new HttpError("validation_failed", "Name the shop.", {
          errors: [{ path: "shop_id", message: "required without a key bound to a shop" }],
        });
      }
      const state = await shardStub(c.env, shardOf(shopId)).terminal(shopId, terminalId);
      return c.json({ terminal_id: terminalId, shop_id: shopId, ...syncOf(state) }, 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/shops/{shop_id}/sales/{id}",
      operationId: "getTransaction",
      guard: guards.scopes("sales:write", "reports:read"),
      tags: ["Sales"],
      summary: "Read one receipt or refund back",
      description:
        "What the shop's shard, D1 or the archive (`archived: true`) holds under this id — a receipt with every line (its discount including its share of the receipt's, what was refunded of it) and its refunds, or a refund: after an ambiguous network " +
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
      // A key bound to another shop, or a reader of other shops' reports: not even its existence.
      if (p.kind === "api_key" && p.shopId !== null && p.shopId !== shopId) throw missing;
      if (!seesShop(p, shopId)) throw missing;
      const [{ stored, refunds, archived }, currency] = await Promise.all([
        readBack(c.env, shopId, id),
        shopCurrency(c.var.ctx, shopId),
      ]);
      if (!stored) throw missing;
      return c.json({ ...readBackJson({ stored, refunds }, currency), archived }, 200);
    },
  ),
];
