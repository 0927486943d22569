import { and, between, eq, type SQL, sql } from "drizzle-orm";
import {
  addDays,
  daysBetween,
  type Interval,
  periodOf,
  periodsBetween,
} from "../../../lib/business-day";
import { toMajor } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { catalogSnapshot } from "../../catalog";
import { productDay, shopDay, shopProductDay } from "../core/schema";
import { allShards, shardStub } from "../core/shards";
import {
  addTo,
  type Figures,
  figuresJson,
  netItems,
  netMinor,
  noFigures,
  sumFigures,
} from "./figures";
import { productJson, rebuilding, TOP } from "./month-reports";
import type { ProductRanking } from "./rankings";

// Reports over any range of business days (docs/API.md#range-reports), from the day rollups: O(days × groups).

/**
 * The instant before which every acknowledged transaction is in D1: now, or the acceptance of
 * the oldest one still waiting in a shard. Asked before D1 is read, so the read includes them.
 */
async function asOf(ctx: ServiceContext): Promise<number> {
  const now = Date.now();
  const pending = await Promise.all(
    allShards().map((shard) => shardStub(ctx.env, shard).oldestPending()),
  );
  return Math.min(now, ...pending.filter((at): at is number => at !== null));
}

export type DateRange = { from: string; to: string };

/** Every shop's figures over a range of business days (shops without any left out). */
async function shopFigures(ctx: ServiceContext, range: DateRange) {
  return ctx.db
    .select({ shopId: shopDay.shopId, ...sumFigures })
    .from(shopDay)
    .where(between(shopDay.day, range.from, range.to))
    .groupBy(shopDay.shopId);
}

/** Every product's figures over a range (of one shop, or of all). */
async function productFigures(ctx: ServiceContext, range: DateRange, shopId: number | null) {
  if (shopId === null) {
    return ctx.db
      .select({ productId: productDay.productId, ...sumFigures })
      .from(productDay)
      .where(between(productDay.day, range.from, range.to))
      .groupBy(productDay.productId);
  }
  return ctx.db
    .select({ productId: shopProductDay.productId, ...sumFigures })
    .from(shopProductDay)
    .where(
      and(between(shopProductDay.day, range.from, range.to), eq(shopProductDay.shopId, shopId)),
    )
    .groupBy(shopProductDay.productId);
}

const byNetDesc = <T extends { id: number; figures: Figures }>(a: T, b: T) =>
  netMinor(b.figures) - netMinor(a.figures) || a.id - b.id;

/** Shops ranked by net over a range; every shop of the catalog takes part (0 without sales). */
export async function rankShops(ctx: ServiceContext, range: DateRange) {
  const [rows, catalog] = await Promise.all([shopFigures(ctx, range), catalogSnapshot(ctx.db)]);
  const figures = new Map(rows.map(({ shopId, ...f }) => [shopId, f as Figures]));
  return [...catalog.shops.values()]
    .map((shop) => ({ id: shop.id, shop, figures: figures.get(shop.id) ?? noFigures() }))
    .sort(byNetDesc);
}

/** Products ranked by net quantity (or net revenue) over a range (of one shop, or of all); sold ones only. */
export async function rankProducts(
  ctx: ServiceContext,
  range: DateRange,
  shopId: number | null,
  by: ProductRanking = "quantity",
) {
  const [rows, catalog] = await Promise.all([
    productFigures(ctx, range, shopId),
    catalogSnapshot(ctx.db),
  ]);
  return rows
    .map(({ productId, ...f }) => ({
      id: productId,
      name: catalog.products.get(productId)?.name ?? "",
      figures: f as Figures,
    }))
    .sort((a, b) => {
      const value = by === "net" ? netMinor : netItems;
      return value(b.figures) - value(a.figures) || a.id - b.id;
    });
}

export async function topShopsInRange(ctx: ServiceContext, range: DateRange) {
  const [ranked, shopsRebuilding] = await Promise.all([rankShops(ctx, range), rebuilding(ctx)]);
  return {
    month: null,
    ...range,
    items: ranked
      .filter((r) => r.figures.sales > 0 || r.figures.refundsMinor > 0)
      .slice(0, TOP)
      .map((r) => ({
        shop_id: r.id,
        name: r.shop.name,
        address: r.shop.address,
        revenue: toMajor(netMinor(r.figures)),
      })),
    rebuilding: shopsRebuilding,
  };
}

export async function topProductsInRange(
  ctx: ServiceContext,
  range: DateRange,
  by: ProductRanking = "quantity",
) {
  const [ranked, shopsRebuilding] = await Promise.all([
    rankProducts(ctx, range, null, by),
    rebuilding(ctx),
  ]);
  return {
    period: `${range.from}..${range.to}`,
    by,
    items: ranked.slice(0, TOP).map((r) => ({
      product_id: r.id,
      name: r.name,
      ...productJson({
        quantity: netItems(r.figures),
        grossMinor: r.figures.grossMinor,
        discountsMinor: r.figures.discountsMinor,
        netMinor: netMinor(r.figures),
      }),
    })),
    rebuilding: shopsRebuilding,
  };
}

export type SalesQuery = DateRange & {
  interval: Interval;
  shopId: number | null;
  productId: number | null;
};

/** Figures per business day over a range, from the narrowest rollup the filters allow. */
async function dayFigures(ctx: ServiceContext, q: SalesQuery, range: DateRange) {
  const { db } = ctx;
  const select = { day: sql<string>`day`, ...sumFigures };
  const days = sql`day BETWEEN ${range.from} AND ${range.to}`;
  let query: Promise<({ day: string } & Figures)[]>;
  if (q.shopId !== null && q.productId !== null) {
    const on: SQL[] = [
      eq(shopProductDay.shopId, q.shopId),
      eq(shopProductDay.productId, q.productId),
    ];
    query = db
      .select(select)
      .from(shopProductDay)
      .where(and(days, ...on))
      .groupBy(sql`day`);
  } else if (q.productId !== null) {
    const on = eq(productDay.productId, q.productId);
    query = db.select(select).from(productDay).where(and(days, on)).groupBy(sql`day`);
  } else {
    const on = q.shopId === null ? undefined : eq(shopDay.shopId, q.shopId);
    query = db.select(select).from(shopDay).where(and(days, on)).groupBy(sql`day`);
  }
  return query;
}

/**
 * The range report (docs/API.md#range-reports): figures per day, ISO week or month over [from, to], their
 * totals, and the same figures for the period of equal length just before. Reads the day
 * rollups (O(days × groups)), never the transactions.
 */
export async function salesReport(ctx: ServiceContext, q: SalesQuery) {
  const length = daysBetween(q.from, q.to);
  const previous = { from: addDays(q.from, -length), to: addDays(q.from, -1) };
  const asOfMs = await asOf(ctx);
  const [rows, shopsRebuilding] = await Promise.all([
    dayFigures(ctx, q, { from: previous.from, to: q.to }),
    rebuilding(ctx),
  ]);
  const series = new Map(periodsBetween(q.from, q.to, q.interval).map((p) => [p, noFigures()]));
  const totals = noFigures();
  const before = noFigures();
  for (const { day, ...f } of rows) {
    if (day < q.from) {
      addTo(before, f);
      continue;
    }
    const period = series.get(periodOf(day, q.interval));
    if (period) addTo(period, f);
    addTo(totals, f);
  }
  return {
    from: q.from,
    to: q.to,
    interval: q.interval,
    shop_id: q.shopId,
    product_id: q.productId,
    series: [...series].map(([period, f]) => ({ period, ...figuresJson(f) })),
    totals: figuresJson(totals),
    previous: { ...previous, ...figuresJson(before) },
    as_of: new Date(asOfMs).toISOString(),
    rebuilding: shopsRebuilding,
  };
}

export type SalesReport = Awaited<ReturnType<typeof salesReport>>;

/** Everything the dashboard shows for a range (one shop's, or the chain's), from one place. */
export async function dashboardView(
  ctx: ServiceContext,
  q: DateRange & { interval: Interval; shopId: number | null },
) {
  const [report, shops, products] = await Promise.all([
    salesReport(ctx, { ...q, productId: null }),
    q.shopId === null ? rankShops(ctx, q) : Promise.resolve([]),
    rankProducts(ctx, q, q.shopId),
  ]);
  const days =
    q.shopId === null || q.interval === "day"
      ? report.series
      : (await salesReport(ctx, { ...q, interval: "day", productId: null })).series;
  return {
    report,
    topShops: shops.slice(0, TOP),
    // The weakest shops, weakest first: a shop without sales in the range is one of them.
    bottomShops: shops.slice(-TOP).reverse(),
    topProducts: products.slice(0, TOP),
    // A shop's weakest business days of the range, by net.
    weakestDays:
      q.shopId === null
        ? []
        : [...days].sort((a, b) => a.net - b.net || a.period.localeCompare(b.period)).slice(0, 5),
  };
}

export type DashboardView = Awaited<ReturnType<typeof dashboardView>>;
