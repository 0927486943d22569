import { max, min } from "drizzle-orm";
import { monthRange } from "../../../lib/business-day";
import { exponentOf, toMajor } from "../../../lib/money";
import { visibleShops } from "../../../lib/principal";
import type { ServiceContext } from "../../../platform/context";
import { catalogSnapshot } from "../../catalog";
import { productDay } from "../core/schema";
import { rankingsStub } from "../core/shards";
import { productJson, rebuilding, topProductsInRange, topShopsInRange } from "./range-reports";
import type { ProductRanking } from "./rankings";
import { rankingsSnapshot } from "./rankings-snapshot";

export function currentMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/**
 * Whether the Rankings object's live counters answer: they are the whole chain's and sum minor
 * units, so only for a caller who sees every shop, all in `currency`; else the rollups answer.
 */
async function countersAnswer(ctx: ServiceContext, currency: string) {
  // The counters are the chain's: a caller bound to some shops is answered from the rollups.
  if (visibleShops(ctx.principal) !== null) return false;
  const catalog = await catalogSnapshot(ctx.db);
  return [...catalog.shops.values()].every((s) => s.currency === currency);
}

/** The days every rollup has, for all time in several currencies (the first rollup to today). */
async function allTime(ctx: ServiceContext) {
  const [row] = await ctx.db
    .select({ first: min(productDay.day), last: max(productDay.day) })
    .from(productDay);
  const today = ctx.clock().toISOString().slice(0, 10);
  return { from: row?.first ?? today, to: row?.last && row.last > today ? row.last : today };
}

export async function topShops(ctx: ServiceContext, month: string, currency: string) {
  if (!(await countersAnswer(ctx, currency)))
    return { ...(await topShopsInRange(ctx, monthRange(month), currency)), month };
  const [ranked, names, shopsRebuilding] = await Promise.all([
    rankingsStub(ctx.env).topShops(month),
    catalogSnapshot(ctx.db),
    rebuilding(ctx),
  ]);
  const exponent = exponentOf(currency);
  return {
    month,
    ...monthRange(month),
    items: ranked.map((r) => {
      const shop = names.shops.get(r.shopId);
      return {
        shop_id: r.shopId,
        name: shop?.name ?? "",
        address: shop?.address ?? "",
        revenue: toMajor(r.netMinor, exponent),
        currency,
        net_native: toMajor(r.netMinor, exponent),
      };
    }),
    currency,
    fx: {},
    unconverted: {},
    rebuilding: shopsRebuilding,
  };
}

export async function topProducts(
  ctx: ServiceContext,
  month: string | null,
  currency: string,
  by: ProductRanking = "quantity",
) {
  if (!(await countersAnswer(ctx, currency))) {
    const range = month === null ? await allTime(ctx) : monthRange(month);
    const report = await topProductsInRange(ctx, range, currency, by);
    return { ...report, period: month ?? "all" };
  }
  const [ranked, names, shopsRebuilding] = await Promise.all([
    rankingsStub(ctx.env).topProducts(month, by),
    catalogSnapshot(ctx.db),
    rebuilding(ctx),
  ]);
  const exponent = exponentOf(currency);
  return {
    period: month ?? "all",
    by,
    items: ranked.map((r) => ({
      product_id: r.productId,
      name: names.products.get(r.productId)?.name ?? "",
      ...productJson(r, exponent),
    })),
    currency,
    fx: {},
    unconverted: {},
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
