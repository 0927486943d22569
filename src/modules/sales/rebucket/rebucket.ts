import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { businessDay } from "../../../lib/business-day";
import { log } from "../../../lib/log";
import type { ServiceContext } from "../../../platform/context";
import { defineBulkJob } from "../../../platform/jobs/job";
import { enqueueBulkJob } from "../../../platform/jobs/runner";
import { getShop } from "../../catalog";
import { stageArchivedOfShop } from "../archive";
import { refunds, sales, shopRebuckets } from "../core/schema";
import { shardOf, shardStub } from "../core/shards";
import { rebuildRankings } from "../reports";

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
// drizzle's batch cannot carry raw SQL with parameters. The sums are those of the flush
// (shard/rollups.ts): a receipt is one sale of its shop and of each product on it.
const FIGURES = `gross_minor, refunds_minor, items_sold, items_refunded, sales, discounts_minor,
  tax_minor, refunded_tax_minor`;
const SUBTRACT_FROM_PRODUCTS = `UPDATE product_day SET
    gross_minor = product_day.gross_minor - s.gross_minor,
    refunds_minor = product_day.refunds_minor - s.refunds_minor,
    items_sold = product_day.items_sold - s.items_sold,
    items_refunded = product_day.items_refunded - s.items_refunded,
    sales = product_day.sales - s.sales,
    discounts_minor = product_day.discounts_minor - s.discounts_minor,
    tax_minor = product_day.tax_minor - s.tax_minor,
    refunded_tax_minor = product_day.refunded_tax_minor - s.refunded_tax_minor
  FROM (SELECT day, product_id, ${FIGURES} FROM shop_product_day WHERE shop_id = ?1) s
  WHERE product_day.day = s.day AND product_day.product_id = s.product_id
    AND product_day.currency = (SELECT currency FROM shops WHERE id = ?1)`;
// A sale's line is [product, quantity, unit price, discount, spread, tax]; a refund's is
// [line, product, quantity, net, tax] (core/receipt.ts).
const SHOP_PRODUCT_TERMS = `
    SELECT s.business_day AS day, s.shop_id, l.value ->> 0 AS product_id,
           sum((l.value ->> 1) * (l.value ->> 2)) AS g, 0 AS r, sum(l.value ->> 1) AS q, 0 AS rq,
           1 AS n, sum((l.value ->> 3) + (l.value ->> 4)) AS d, sum(l.value ->> 5) AS t, 0 AS rt
    FROM (SELECT shop_id, sale_id, business_day, lines FROM sales WHERE shop_id = ?1
      UNION ALL SELECT shop_id, sale_id, business_day, lines FROM rebucket_archived_sales
      WHERE shop_id = ?1) s, json_each(s.lines) l
    GROUP BY s.sale_id, l.value ->> 0
    UNION ALL
    SELECT r.business_day, r.shop_id, l.value ->> 1, 0, sum(l.value ->> 3), 0, sum(l.value ->> 2),
           0, 0, 0, sum(l.value ->> 4)
    FROM (SELECT shop_id, refund_id, business_day, lines FROM refunds WHERE shop_id = ?1
      UNION ALL SELECT shop_id, refund_id, business_day, lines FROM rebucket_archived_refunds
      WHERE shop_id = ?1) r, json_each(r.lines) l
    GROUP BY r.refund_id, l.value ->> 1`;
const RECOMPUTE_SHOP_PRODUCTS = `INSERT INTO shop_product_day (day, shop_id, product_id, ${FIGURES})
  SELECT day, shop_id, product_id, sum(g), sum(r), sum(q), sum(rq), sum(n), sum(d), sum(t), sum(rt)
  FROM (${SHOP_PRODUCT_TERMS}) WHERE true GROUP BY day, shop_id, product_id`;
// A shop's receipts count once each, whatever the products on them.
const RECOMPUTE_SHOP = `INSERT INTO shop_day (day, shop_id, ${FIGURES})
  SELECT day, shop_id, sum(g), sum(r), sum(q), sum(rq), sum(n), sum(d), sum(t), sum(rt) FROM (
    SELECT s.business_day AS day, s.shop_id, sum((l.value ->> 1) * (l.value ->> 2)) AS g, 0 AS r,
           sum(l.value ->> 1) AS q, 0 AS rq, 1 AS n, sum((l.value ->> 3) + (l.value ->> 4)) AS d,
           sum(l.value ->> 5) AS t, 0 AS rt
    FROM (SELECT shop_id, sale_id, business_day, lines FROM sales WHERE shop_id = ?1
      UNION ALL SELECT shop_id, sale_id, business_day, lines FROM rebucket_archived_sales
      WHERE shop_id = ?1) s, json_each(s.lines) l GROUP BY s.sale_id
    UNION ALL
    SELECT r.business_day, r.shop_id, 0, sum(l.value ->> 3), 0, sum(l.value ->> 2), 0, 0, 0,
           sum(l.value ->> 4)
    FROM (SELECT shop_id, refund_id, business_day, lines FROM refunds WHERE shop_id = ?1
      UNION ALL SELECT shop_id, refund_id, business_day, lines FROM rebucket_archived_refunds
      WHERE shop_id = ?1) r, json_each(r.lines) l GROUP BY r.refund_id)
  WHERE true GROUP BY day, shop_id`;
const ADD_TO_PRODUCTS = `INSERT INTO product_day (day, product_id, currency, ${FIGURES})
  SELECT day, product_id, (SELECT currency FROM shops WHERE id = ?1), ${FIGURES}
  FROM shop_product_day WHERE shop_id = ?1 AND true
  ON CONFLICT (day, product_id, currency) DO UPDATE SET
    gross_minor = gross_minor + excluded.gross_minor,
    refunds_minor = refunds_minor + excluded.refunds_minor,
    items_sold = items_sold + excluded.items_sold,
    items_refunded = items_refunded + excluded.items_refunded, sales = sales + excluded.sales,
    discounts_minor = discounts_minor + excluded.discounts_minor,
    tax_minor = tax_minor + excluded.tax_minor,
    refunded_tax_minor = refunded_tax_minor + excluded.refunded_tax_minor`;

async function recomputeRollups(ctx: ServiceContext, shopId: number, requestedAt: number) {
  const d1 = ctx.env.DB;
  await d1.batch([
    d1.prepare(SUBTRACT_FROM_PRODUCTS).bind(shopId),
    d1.prepare(
      `DELETE FROM product_day WHERE ${FIGURES.split(",")
        .map((c) => `${c.trim()} = 0`)
        .join(" AND ")}`,
    ),
    d1.prepare("DELETE FROM shop_product_day WHERE shop_id = ?1").bind(shopId),
    d1.prepare("DELETE FROM shop_day WHERE shop_id = ?1").bind(shopId),
    d1.prepare(RECOMPUTE_SHOP_PRODUCTS).bind(shopId),
    d1.prepare(RECOMPUTE_SHOP).bind(shopId),
    d1.prepare(ADD_TO_PRODUCTS).bind(shopId),
    d1.prepare("DELETE FROM rebucket_archived_sales WHERE shop_id = ?1").bind(shopId),
    d1.prepare("DELETE FROM rebucket_archived_refunds WHERE shop_id = ?1").bind(shopId),
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
    // Archived months count again too, on the new days (their parts keep the old ones).
    const archived = await stageArchivedOfShop(ctx.env, shopId, dayOf);
    await recomputeRollups(ctx, shopId, requestedAt);
    await rebuildRankings(ctx);
    const result = {
      shop_id: shopId,
      time_zone: shop.timeZone,
      moved_sales: movedSales,
      moved_refunds: movedRefunds,
      archived_read: archived,
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
