import { max, sql } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { productDay, salesFlushLog, shopDay } from "../core/schema";
import type { FlushDeltas } from "../core/transaction";

// Net revenue (docs/API.md#figures): gross − discounts − refunds.
const NET = sql<number>`sum(gross_minor) - sum(discounts_minor) - sum(refunds_minor)`;

export type RankingsSnapshot = FlushDeltas & { shardSeqs: { shard: number; seq: number }[] };

/**
 * The ranking counters as D1's rollups hold them, and the last flush of each shard they
 * include: one batch, so one consistent read.
 */
export async function rankingsSnapshot(db: Db): Promise<RankingsSnapshot> {
  const month = sql<string>`substr(day, 1, 7)`;
  const [shops, products, shardSeqs] = await db.batch([
    db
      .select({
        shopId: shopDay.shopId,
        month: month.as("month"),
        netMinor: NET,
      })
      .from(shopDay)
      .groupBy(shopDay.shopId, sql`month`),
    db
      .select({
        productId: productDay.productId,
        month: month.as("month"),
        quantity: sql<number>`sum(items_sold) - sum(items_refunded)`,
        netMinor: NET,
        grossMinor: sql<number>`sum(gross_minor)`,
        discountsMinor: sql<number>`sum(discounts_minor)`,
      })
      .from(productDay)
      .groupBy(productDay.productId, sql`month`),
    db
      .select({ shard: salesFlushLog.shard, seq: max(salesFlushLog.seq) })
      .from(salesFlushLog)
      .groupBy(salesFlushLog.shard),
  ]);
  return {
    shops,
    products,
    shardSeqs: shardSeqs.map((s) => ({ shard: s.shard, seq: s.seq ?? 0 })),
  };
}
