import { monthRange } from "../../../lib/business-day";
import { toMajor } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { catalogSnapshot } from "../../catalog";
import { shopRebuckets } from "../core/schema";
import { rankingsStub } from "../core/shards";
import type { ProductCounters, ProductRanking } from "./rankings";
import { rankingsSnapshot } from "./rankings-snapshot";

/** A product's figures in a top 10 (docs/API.md#top-10). */
export const productJson = (c: ProductCounters) => ({
  quantity: c.quantity,
  gross: toMajor(c.grossMinor),
  discounts: toMajor(c.discountsMinor),
  net: toMajor(c.netMinor),
});

export function currentMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export const TOP = 10;

/** Shops whose history is being moved to new business days right now. */
export async function rebuilding(ctx: ServiceContext): Promise<number[]> {
  const rows = await ctx.db
    .select({ shopId: shopRebuckets.shopId })
    .from(shopRebuckets)
    .orderBy(shopRebuckets.shopId);
  return rows.map((r) => r.shopId);
}

export async function topShops(ctx: ServiceContext, month: string) {
  const [ranked, names, shopsRebuilding] = await Promise.all([
    rankingsStub(ctx.env).topShops(month),
    catalogSnapshot(ctx.db),
    rebuilding(ctx),
  ]);
  return {
    month,
    ...monthRange(month),
    items: ranked.map((r) => {
      const shop = names.shops.get(r.shopId);
      return {
        shop_id: r.shopId,
        name: shop?.name ?? "",
        address: shop?.address ?? "",
        revenue: toMajor(r.netMinor),
      };
    }),
    rebuilding: shopsRebuilding,
  };
}

export async function topProducts(
  ctx: ServiceContext,
  month: string | null,
  by: ProductRanking = "quantity",
) {
  const [ranked, names, shopsRebuilding] = await Promise.all([
    rankingsStub(ctx.env).topProducts(month, by),
    catalogSnapshot(ctx.db),
    rebuilding(ctx),
  ]);
  return {
    period: month ?? "all",
    by,
    items: ranked.map((r) => ({
      product_id: r.productId,
      name: names.products.get(r.productId)?.name ?? "",
      ...productJson(r),
    })),
    rebuilding: shopsRebuilding,
  };
}

/**
 * Rebuilds the rankings from the D1 rollups. The rollups and the last flush of each shard are
 * read in one batch (one snapshot), so later deltas apply on top exactly once.
 */
export async function rebuildRankings(ctx: ServiceContext) {
  return rankingsStub(ctx.env).rebuild(await rankingsSnapshot(ctx.db));
}
