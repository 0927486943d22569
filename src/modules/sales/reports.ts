import { max } from "drizzle-orm";
import { toMajor } from "../../lib/money";
import type { ServiceContext } from "../../platform/context";
import { catalogSnapshot } from "../catalog";
import { rankingsStub } from "./rankings-do";
import { dayRevenue, productMonthQuantity, salesFlushLog, shopMonthRevenue } from "./schema";

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

/** One month for the dashboard: both top 10s with names, revenue per day, the month's totals. */
export async function dashboardMonth(ctx: ServiceContext, month: string) {
  const rankings = rankingsStub(ctx.env);
  const [shops, products, totals, names] = await Promise.all([
    rankings.topShops(month),
    rankings.topProducts(month),
    rankings.month(month),
    catalogSnapshot(ctx.db),
  ]);
  return {
    month,
    shops: shops.map((r) => ({ ...r, address: names.shops.get(r.shopId)?.address ?? "" })),
    products: products.map((r) => ({ ...r, name: names.products.get(r.productId)?.name ?? "" })),
    days: totals.days,
    revenueMinor: totals.revenueMinor,
    quantity: totals.quantity,
  };
}

export type DashboardMonth = Awaited<ReturnType<typeof dashboardMonth>>;

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
