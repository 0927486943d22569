import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { businessDay } from "../../../lib/business-day";
import { log } from "../../../lib/log";
import type { ServiceContext } from "../../../platform/context";
import { defineBulkJob } from "../../../platform/jobs/job";
import { enqueueBulkJob } from "../../../platform/jobs/runner";
import { getShop } from "../../catalog";
import { refunds, sales, shopRebuckets } from "../core/schema";
import { shardOf, shardStub } from "../core/shards";
import { rebuildRankings } from "./month-reports";

const PAGE = 1000;

/**
 * Moves a table's rows of one shop to the business days of the shop's rule, a page at a time in
 * id order (the unique (shop_id, id) index); only rows whose day changes are written.
 */
async function moveRows(
  ctx: ServiceContext,
  shopId: number,
  dayOf: (at: number) => string,
  table: typeof sales | typeof refunds,
): Promise<number> {
  const key = table === sales ? sales.saleId : refunds.refundId;
  const at = table === sales ? sales.soldAt : refunds.refundedAt;
  let after = "";
  let moved = 0;
  for (;;) {
    const rows = await ctx.db
      .select({ key, at, day: table.businessDay })
      .from(table)
      .where(and(eq(table.shopId, shopId), gt(key, after)))
      .orderBy(asc(key))
      .limit(PAGE);
    const changed = rows
      .map((r) => [r.key, dayOf(r.at.getTime()), r.day] as const)
      .filter(([, day, old]) => day !== old)
      .map(([id, day]) => [id, day]);
    if (changed.length > 0) {
      // By the transaction's key: `sales` has no rowid (see schema.ts).
      const [name, keyColumn] = table === sales ? ["sales", "sale_id"] : ["refunds", "refund_id"];
      await ctx.env.DB.prepare(
        `UPDATE ${name} SET business_day = j.value ->> 1
         FROM json_each(?2) j WHERE ${name}.shop_id = ?1 AND ${name}.${keyColumn} = j.value ->> 0`,
      )
        .bind(shopId, JSON.stringify(changed))
        .run();
      moved += changed.length;
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return moved;
    after = last.key;
  }
}

// The shop's rollups, recomputed from its transactions in one D1 batch (one transaction), so a
// report or a flush sees them either before or after, never half-moved. Raw D1 statements:
// drizzle's batch cannot carry raw SQL with parameters.
const SUBTRACT_FROM_PRODUCTS = `UPDATE product_day SET
    gross_minor = product_day.gross_minor - s.g, refunds_minor = product_day.refunds_minor - s.r,
    items_sold = product_day.items_sold - s.q, items_refunded = product_day.items_refunded - s.rq,
    sales = product_day.sales - s.n
  FROM (SELECT day, product_id, gross_minor AS g, refunds_minor AS r, items_sold AS q,
               items_refunded AS rq, sales AS n FROM shop_product_day WHERE shop_id = ?1) s
  WHERE product_day.day = s.day AND product_day.product_id = s.product_id`;
const RECOMPUTE_SHOP_PRODUCTS = `INSERT INTO shop_product_day
  SELECT day, shop_id, product_id, sum(g), sum(r), sum(q), sum(rq), sum(n) FROM (
    SELECT business_day AS day, shop_id, product_id, quantity * unit_price_minor AS g, 0 AS r,
           quantity AS q, 0 AS rq, 1 AS n FROM sales WHERE shop_id = ?1
    UNION ALL
    SELECT business_day, shop_id, product_id, 0, quantity * unit_price_minor, 0, quantity, 0
    FROM refunds WHERE shop_id = ?1)
  WHERE true GROUP BY day, shop_id, product_id`;
const RECOMPUTE_SHOP = `INSERT INTO shop_day
  SELECT day, shop_id, sum(gross_minor), sum(refunds_minor), sum(items_sold),
         sum(items_refunded), sum(sales)
  FROM shop_product_day WHERE shop_id = ?1 GROUP BY day, shop_id`;
const ADD_TO_PRODUCTS = `INSERT INTO product_day
  SELECT day, product_id, gross_minor, refunds_minor, items_sold, items_refunded, sales
  FROM shop_product_day WHERE shop_id = ?1 AND true
  ON CONFLICT (day, product_id) DO UPDATE SET
    gross_minor = gross_minor + excluded.gross_minor,
    refunds_minor = refunds_minor + excluded.refunds_minor,
    items_sold = items_sold + excluded.items_sold,
    items_refunded = items_refunded + excluded.items_refunded, sales = sales + excluded.sales`;

async function recomputeRollups(ctx: ServiceContext, shopId: number, requestedAt: number) {
  const d1 = ctx.env.DB;
  await d1.batch([
    d1.prepare(SUBTRACT_FROM_PRODUCTS).bind(shopId),
    d1.prepare(
      "DELETE FROM product_day WHERE gross_minor = 0 AND refunds_minor = 0 AND items_sold = 0 AND items_refunded = 0 AND sales = 0",
    ),
    d1.prepare("DELETE FROM shop_product_day WHERE shop_id = ?1").bind(shopId),
    d1.prepare("DELETE FROM shop_day WHERE shop_id = ?1").bind(shopId),
    d1.prepare(RECOMPUTE_SHOP_PRODUCTS).bind(shopId),
    d1.prepare(RECOMPUTE_SHOP).bind(shopId),
    d1.prepare(ADD_TO_PRODUCTS).bind(shopId),
    // A change made while this ran has queued its own job: its marker stays.
    d1
      .prepare("DELETE FROM shop_rebuckets WHERE shop_id = ?1 AND requested_at <= ?2")
      .bind(shopId, requestedAt),
  ]);
}

/**
 * A shop's whole history moved to its current business days: its buffered transactions are
 * flushed, every sale and refund gets the day of the new rule, the shop's rollups are
 * recomputed in one transaction, and the rankings rebuilt from the rollups. Safe to run again.
 */
export const rebucketJob = defineBulkJob({
  name: "shop-rebucket",
  input: z.object({ shopId: z.number().int().positive(), requestedAt: z.number().int() }),
  run: async (ctx, { shopId, requestedAt }) => {
    const shop = await getShop(ctx.db, shopId);
    const dayOf = (at: number) => businessDay(at, shop.timeZone, shop.dayStartMinutes);
    await shardStub(ctx.env, shardOf(shopId)).flushAll();
    const movedSales = await moveRows(ctx, shopId, dayOf, sales);
    const movedRefunds = await moveRows(ctx, shopId, dayOf, refunds);
    await recomputeRollups(ctx, shopId, requestedAt);
    await rebuildRankings(ctx);
    const result = {
      shop_id: shopId,
      time_zone: shop.timeZone,
      moved_sales: movedSales,
      moved_refunds: movedRefunds,
    };
    log("info", "sales.rebucketed", result);
    return result;
  },
  describe: (result) => {
    const r = result as {
      shop_id: number;
      time_zone: string;
      moved_sales: number;
      moved_refunds: number;
    };
    return `Shop ${r.shop_id}: ${r.moved_sales} sales and ${r.moved_refunds} refunds moved to the business days of ${r.time_zone}; its reports are rebuilt.`;
  },
});

/**
 * A shop's business day changed: reports mark it `rebuilding`, and its history is moved once
 * every isolate prices new sales by the new rule (the delay; new sales get new days at once).
 */
export async function rebucketShop(ctx: ServiceContext, shopId: number): Promise<number> {
  const requestedAt = ctx.clock().getTime();
  await ctx.db
    .insert(shopRebuckets)
    .values({ shopId, requestedAt: new Date(requestedAt) })
    .onConflictDoUpdate({
      target: shopRebuckets.shopId,
      set: { requestedAt: new Date(requestedAt) },
    });
  return enqueueBulkJob(
    ctx,
    rebucketJob,
    { shopId, requestedAt },
    {
      delaySeconds: ctx.config.REBUCKET_DELAY_SECONDS,
    },
  );
}
