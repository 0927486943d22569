// One business day of a shop's receipts, for the owner who looks for the one a customer brings
// back (docs/API.md#receipts): a page of receipts in id order, each with its totals.
import { z } from "@hono/zod-openapi";
import { idSchema } from "../../../lib/ids";
import { currencyOf } from "../../../lib/money";
import {
  decodeKeyCursor,
  encodeKeyCursor,
  pageQuerySchema,
  pageSchema,
} from "../../../lib/pagination";
import type { ServiceContext } from "../../../platform/context";
import { guards } from "../../../platform/http/guards";
import { errors, jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { getShop } from "../../catalog";
import { SALE_COLUMNS, type TransactionRow, toStored } from "../core/stored";
import type { StoredSale } from "../core/transaction";
import { storedJson, storedTransactionSchema } from "../core/wire";
import { assertVisible } from "./chain";
import { dateSchema } from "./dto";

/**
 * A page of one shop's receipts of one business day, flushed ones (a receipt is in D1 within a
 * second of its 202), after `afterId` in id order. The shop's key range is read with the day as
 * a filter: rows read grow with the shop's receipts in D1, where an index on the day would cost
 * a row written per receipt, most of what a receipt costs to store.
 */
export async function listReceipts(
  ctx: ServiceContext,
  q: { shopId: number; day: string; afterId: string; limit: number },
) {
  const { results } = await ctx.env.DB.prepare(
    `SELECT ${SALE_COLUMNS("s")} FROM sales s
     WHERE s.shop_id = ?1 AND s.sale_id > ?2 AND s.business_day = ?3
     ORDER BY s.sale_id LIMIT ?4`,
  )
    .bind(q.shopId, q.afterId, q.day, q.limit + 1)
    .all<TransactionRow>();
  const rows = results.map(toStored) as StoredSale[];
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page,
    next_cursor: rows.length > q.limit && last ? encodeKeyCursor(last.saleId) : null,
  };
}

export const receiptRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/shops/{shop_id}/sales",
      operationId: "listShopReceipts",
      guard: guards.scopes("reports:read"),
      tags: ["Reports"],
      summary: "One business day of a shop's receipts",
      description:
        "The shop's receipts of business day `day`, in id order, each with its lines and totals; `next_cursor` pages on. " +
        "A receipt is listed once it is in D1 (within a second of its 202); a refund shows on the receipt's read-back.",
      request: {
        params: z.object({ shop_id: idSchema.openapi({ param: { name: "shop_id", in: "path" } }) }),
        query: pageQuerySchema.extend({
          day: dateSchema.openapi({
            description: "The business day, YYYY-MM-DD",
            example: "2026-11-20",
          }),
        }),
      },
      responses: {
        200: jsonResponse(pageSchema(storedTransactionSchema), "A page of receipts"),
        404: errors[404],
      },
    },
    async (c) => {
      const shopId = c.req.valid("param").shop_id;
      const { day, limit, cursor } = c.req.valid("query");
      assertVisible(c.var.ctx, shopId);
      const shop = await getShop(c.var.ctx.db, shopId);
      const currency = currencyOf(shop.currency);
      const page = await listReceipts(c.var.ctx, {
        shopId,
        day,
        afterId: decodeKeyCursor(cursor),
        limit,
      });
      const items = page.items.map((t) => storedJson(t, currency));
      return c.json({ items, next_cursor: page.next_cursor }, 200);
    },
  ),
];
