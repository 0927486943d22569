import { max } from "drizzle-orm";
import type { Db } from "../../db/client";
import { toMajor } from "../../lib/money";
import { catalog } from "./catalog";
import { productMonthQuantity, salesFlushLog, shopMonthRevenue } from "./schema";
import { ingestStub, rankingsStub, SHARD_COUNT } from "./shards";

export function currentMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export async function topShops(env: Env, db: Db, month: string) {
  const [ranked, names] = await Promise.all([rankingsStub(env).topShops(month), catalog(db)]);
  return {
    month,
    items: ranked.map((r) => ({
      shop_id: r.shopId,
      address: names.shops.get(r.shopId)?.address ?? "",
      revenue: toMajor(r.revenueMinor),
    })),
  };
}

export async function topProducts(env: Env, db: Db, month: string | null) {
  const [ranked, names] = await Promise.all([rankingsStub(env).topProducts(month), catalog(db)]);
  return {
    period: month ?? "all",
    items: ranked.map((r) => ({
      product_id: r.productId,
      name: names.products.get(r.productId)?.name ?? "",
      quantity: r.quantity,
    })),
  };
}

/**
 * Rebuilds the rankings from the D1 rollups. The rollups and the last flush of each shard are
 * read in one batch (one snapshot), so later deltas apply on top exactly once.
 */
export async function rebuildRankings(env: Env, db: Db) {
  const [shops, products, shardSeqs] = await db.batch([
    db
      .select({
        shopId: shopMonthRevenue.shopId,
        month: shopMonthRevenue.month,
        revenueMinor: shopMonthRevenue.revenueMinor,
      })
      .from(shopMonthRevenue),
    db
      .select({
        productId: productMonthQuantity.productId,
        month: productMonthQuantity.month,
        quantity: productMonthQuantity.quantity,
      })
      .from(productMonthQuantity),
    db
      .select({ shard: salesFlushLog.shard, seq: max(salesFlushLog.seq) })
      .from(salesFlushLog)
      .groupBy(salesFlushLog.shard),
  ]);
  return rankingsStub(env).rebuild({
    shops,
    products,
    shardSeqs: shardSeqs.map((s) => ({ shard: s.shard, seq: s.seq ?? 0 })),
  });
}

/** Flushes every shard's buffer now; returns how many sales went to D1. */
export async function flushAllShards(env: Env): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: SHARD_COUNT }, (_, shard) => ingestStub(env, shard).flushAll()),
  );
  return counts.reduce((a, b) => a + b, 0);
}
