import { and, eq, sql } from "drizzle-orm";
import {
  addDays,
  daysBetween,
  type Interval,
  periodOf,
  periodsBetween,
} from "../../../lib/business-day";
import { exponentOf, toMajor } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { catalogSnapshot } from "../../catalog";
import { shopDay, shopProductDay, shopRebuckets } from "../core/schema";
import type { Conversion } from "../fx";
import {
  assertVisible,
  chainConversion,
  convertedDays,
  type DateRange,
  rankProducts,
  rankShops,
  Unconverted,
} from "./chain";

export type { DateRange } from "./chain";

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
import type { ProductCounters, ProductRanking } from "./rankings";

// Reports over any range of business days (docs/API.md#range-reports), from the day rollups: O(days × groups).

/** A product's figures in a top 10 (docs/API.md#top-10). */
export const productJson = (c: ProductCounters, exponent = 2) => ({
  quantity: c.quantity,
  gross: toMajor(c.grossMinor, exponent),
  discounts: toMajor(c.discountsMinor, exponent),
  net: toMajor(c.netMinor, exponent),
});

export const TOP = 10;

/** Shops whose history is being moved to new business days right now. */
export async function rebuilding(ctx: ServiceContext): Promise<number[]> {
  const rows = await ctx.db
    .select({ shopId: shopRebuckets.shopId })
    .from(shopRebuckets)
    .orderBy(shopRebuckets.shopId);
  return rows.map((r) => r.shopId);
}

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

/** What every chain-wide answer says of its money: the currency, the rates used, what is apart. */
const moneyOf = (currency: string, conversion: Conversion | null, unconverted: Unconverted) => ({
  currency,
  fx: conversion?.fx ?? {},
  unconverted: unconverted.json(),
});

export async function topShopsInRange(ctx: ServiceContext, range: DateRange, currency: string) {
  const [{ ranked, conversion, unconverted }, shopsRebuilding] = await Promise.all([
    rankShops(ctx, range, currency),
    rebuilding(ctx),
  ]);
  const exponent = exponentOf(currency);
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
        revenue: toMajor(netMinor(r.figures), exponent),
        currency: r.shop.currency,
        net_native: toMajor(r.nativeNet, exponentOf(r.shop.currency)),
      })),
    ...moneyOf(currency, conversion, unconverted),
    rebuilding: shopsRebuilding,
  };
}

export async function topProductsInRange(
  ctx: ServiceContext,
  range: DateRange,
  currency: string,
  by: ProductRanking = "quantity",
) {
  const [{ ranked, conversion, unconverted }, shopsRebuilding] = await Promise.all([
    rankProducts(ctx, range, null, currency, by),
    rebuilding(ctx),
  ]);
  const exponent = exponentOf(currency);
  return {
    period: `${range.from}..${range.to}`,
    by,
    items: ranked.slice(0, TOP).map((r) => ({
      product_id: r.id,
      name: r.name,
      ...productJson(
        {
          quantity: netItems(r.figures),
          grossMinor: r.figures.grossMinor,
          discountsMinor: r.figures.discountsMinor,
          netMinor: netMinor(r.figures),
        },
        exponent,
      ),
    })),
    ...moneyOf(currency, conversion, unconverted),
    rebuilding: shopsRebuilding,
  };
}

export type SalesQuery = DateRange & {
  interval: Interval;
  shopId: number | null;
  productId: number | null;
  /** The reporting currency of figures over several shops; one shop's are in its own. */
  currency: string;
};

/** One shop's figures per business day (of one product, or all), in its own currency. */
async function shopDays(ctx: ServiceContext, q: SalesQuery & { shopId: number }, range: DateRange) {
  const select = { day: sql<string>`day`, ...sumFigures };
  const days = sql`day BETWEEN ${range.from} AND ${range.to}`;
  if (q.productId !== null) {
    const on = [eq(shopProductDay.shopId, q.shopId), eq(shopProductDay.productId, q.productId)];
    return ctx.db
      .select(select)
      .from(shopProductDay)
      .where(and(days, ...on))
      .groupBy(sql`day`);
  }
  const on = eq(shopDay.shopId, q.shopId);
  return ctx.db.select(select).from(shopDay).where(and(days, on)).groupBy(sql`day`);
}

/** Figures per business day: one shop's as they are, the chain's converted into `q.currency`. */
async function dayFigures(ctx: ServiceContext, q: SalesQuery, range: DateRange) {
  if (q.shopId !== null) {
    const rows = await shopDays(ctx, { ...q, shopId: q.shopId }, range);
    return { rows, conversion: null, unconverted: new Unconverted() };
  }
  const conversion = await chainConversion(ctx, range, q.currency, undefined, q.from);
  const cells = await convertedDays(ctx, range, q.productId, conversion);
  const unconverted = new Unconverted();
  const rows: ({ day: string } & Figures)[] = [];
  for (const cell of cells) {
    rows.push({ day: cell.day, ...cell.converted });
    if (cell.day >= q.from) unconverted.add(cell.currency, cell.unconverted);
  }
  return { rows, conversion, unconverted };
}

/**
 * The range report (docs/API.md#range-reports): figures per day, ISO week or month over [from, to], their
 * totals, and the same figures for the period of equal length just before. Reads the day
 * rollups (O(days × groups × currencies)), never the transactions.
 */
export async function salesReport(ctx: ServiceContext, q: SalesQuery) {
  if (q.shopId !== null) assertVisible(ctx, q.shopId);
  const length = daysBetween(q.from, q.to);
  const previous = { from: addDays(q.from, -length), to: addDays(q.from, -1) };
  const asOfMs = await asOf(ctx);
  const [catalog, { rows, conversion, unconverted }, shopsRebuilding] = await Promise.all([
    catalogSnapshot(ctx.db),
    dayFigures(ctx, q, { from: previous.from, to: q.to }),
    rebuilding(ctx),
  ]);
  const currency =
    q.shopId === null ? q.currency : (catalog.shops.get(q.shopId)?.currency ?? q.currency);
  const exponent = exponentOf(currency);
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
    currency,
    series: [...series].map(([period, f]) => ({ period, ...figuresJson(f, exponent) })),
    totals: figuresJson(totals, exponent),
    previous: { ...previous, ...figuresJson(before, exponent) },
    // The rates of the report's own days (the previous period's are not listed).
    fx: conversion?.fx ?? {},
    unconverted: unconverted.json(),
    as_of: new Date(asOfMs).toISOString(),
    rebuilding: shopsRebuilding,
  };
}

export type SalesReport = Awaited<ReturnType<typeof salesReport>>;

/** Everything the dashboard shows for a range (one shop's, or the chain's), from one place. */
export async function dashboardView(
  ctx: ServiceContext,
  q: DateRange & { interval: Interval; shopId: number | null; currency: string },
) {
  // The chain's shops and products over the range share one conversion.
  const conversion = q.shopId === null ? await chainConversion(ctx, q, q.currency) : undefined;
  const [report, shops, products] = await Promise.all([
    salesReport(ctx, { ...q, productId: null }),
    conversion
      ? rankShops(ctx, q, q.currency, conversion).then((r) => r.ranked)
      : Promise.resolve([]),
    rankProducts(ctx, q, q.shopId, q.currency, "quantity", conversion).then((r) => r.ranked),
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
