import { count, eq, gt, max } from "drizzle-orm";
import { toMajor } from "../../lib/money";
import type { ServiceContext } from "../../platform/context";
import { catalogSnapshot } from "../catalog";
import { ingestStub } from "./ingest-do";
import { rankingsStub } from "./rankings-do";
import {
  dayRevenue,
  productMonthQuantity,
  sales,
  salesDeadLetters,
  salesFlushLog,
  shopMonthRevenue,
} from "./schema";
import { SHARD_COUNT, shardOf } from "./shards";

export function currentMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export async function topShops(ctx: ServiceContext, month: string) {
  const [ranked, names] = await Promise.all([
    rankingsStub(ctx.env).topShops(month),
    catalogSnapshot(ctx.db),
  ]);
  return {
    month,
    items: ranked.map((r) => ({
      shop_id: r.shopId,
      address: names.shops.get(r.shopId)?.address ?? "",
      revenue: toMajor(r.revenueMinor),
    })),
  };
}

export async function topProducts(ctx: ServiceContext, month: string | null) {
  const [ranked, names] = await Promise.all([
    rankingsStub(ctx.env).topProducts(month),
    catalogSnapshot(ctx.db),
  ]);
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
export async function rebuildRankings(ctx: ServiceContext) {
  const { db } = ctx;
  const [shops, products, days, shardSeqs] = await db.batch([
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
    db.select({ day: dayRevenue.day, revenueMinor: dayRevenue.revenueMinor }).from(dayRevenue),
    db
      .select({ shard: salesFlushLog.shard, seq: max(salesFlushLog.seq) })
      .from(salesFlushLog)
      .groupBy(salesFlushLog.shard),
  ]);
  return rankingsStub(ctx.env).rebuild({
    shops,
    products,
    days,
    shardSeqs: shardSeqs.map((s) => ({ shard: s.shard, seq: s.seq ?? 0 })),
  });
}

const shards = () => Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

/** Flushes every shard's buffer now; returns how many sales went to D1. */
export async function flushAllShards(env: Env): Promise<number> {
  const counts = await Promise.all(shards().map((shard) => ingestStub(env, shard).flushAll()));
  return counts.reduce((a, b) => a + b, 0);
}

/** What waits in each shard, and how many sales were set aside. */
export async function ingestStatus(ctx: ServiceContext) {
  const [buffered, [dead]] = await Promise.all([
    Promise.all(shards().map((shard) => ingestStub(ctx.env, shard).buffered())),
    ctx.db.select({ n: count() }).from(salesDeadLetters),
  ]);
  return {
    shards: buffered.map((n, shard) => ({ shard, buffered: n })),
    buffered: buffered.reduce((a, b) => a + b, 0),
    dead_letters: dead?.n ?? 0,
  };
}

export async function listDeadLetters(ctx: ServiceContext, afterId: number, limit: number) {
  return ctx.db
    .select()
    .from(salesDeadLetters)
    .where(gt(salesDeadLetters.id, afterId))
    .orderBy(salesDeadLetters.id)
    .limit(limit + 1);
}

/** A product with sales, flushed or still buffered in any shard, stays in the catalog. */
export async function salesOfProduct(ctx: ServiceContext, productId: number) {
  const [[flushed], buffered] = await Promise.all([
    ctx.db
      .select({ productId: productMonthQuantity.productId })
      .from(productMonthQuantity)
      .where(eq(productMonthQuantity.productId, productId))
      .limit(1),
    Promise.all(shards().map((shard) => ingestStub(ctx.env, shard).bufferedOf({ productId }))),
  ]);
  const inFlight = buffered.reduce((a, b) => a + b, 0);
  if (flushed) return "it has sales";
  return inFlight > 0 ? `${inFlight} of its sales are still being written` : null;
}

/** A shop with sales (its own shard has the buffered ones) stays in the catalog. */
export async function salesOfShop(ctx: ServiceContext, shopId: number) {
  const [[flushed], inFlight] = await Promise.all([
    ctx.db.select({ id: sales.id }).from(sales).where(eq(sales.shopId, shopId)).limit(1),
    ingestStub(ctx.env, shardOf(shopId)).bufferedOf({ shopId }),
  ]);
  if (flushed) return "it has sales";
  return inFlight > 0 ? `${inFlight} of its sales are still being written` : null;
}
