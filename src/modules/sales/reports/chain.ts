// Figures over several shops, in one reporting currency (docs/API.md#reporting-currency), and the
// shops and products ranked over a range: the day rollups stay in each shop's currency and are
// converted as they are read, so a new rate restates every report at once. Cost: O(days × groups
// × currencies), as for one currency.
import { and, between, eq, type SQL, sql } from "drizzle-orm";
import { notFound } from "../../../lib/errors";
import { currencyOf, isCurrency } from "../../../lib/money";
import { seesShop, visibleShops } from "../../../lib/principal";
import type { ServiceContext } from "../../../platform/context";
import { type CatalogSnapshot, catalogSnapshot } from "../../catalog";
import { shopProductDay } from "../core/schema";
import {
  anyUnconverted,
  type Conversion,
  type ConvertedRow,
  conversionFor,
  convertedSums,
  rollupDays,
  splitRow,
} from "../fx";
import {
  addTo,
  type Figures,
  figuresJson,
  netItems,
  netMinor,
  noFigures,
  sumFigures,
} from "./figures";
import type { ProductRanking } from "./rankings";

export type DateRange = { from: string; to: string };

/** Only the shops the caller may see (docs/API.md#managers), as a condition on `column`. */
export function visibleFilter(ctx: ServiceContext, column: SQL) {
  const shops = visibleShops(ctx.principal);
  return shops === null
    ? sql``
    : sql` AND ${column} IN (SELECT value FROM json_each(${JSON.stringify(shops)}))`;
}

/** One shop's reports: a shop the caller may not see is as unknown as one that does not exist. */
export function assertVisible(ctx: ServiceContext, shopId: number) {
  if (!seesShop(ctx.principal, shopId)) throw notFound(`There is no shop ${shopId}.`);
}

/** The reporting currency of a request: `?currency=`, else the deployment's. */
export const reportingCurrency = (ctx: ServiceContext, requested?: string | null) =>
  requested && isCurrency(requested) ? requested : ctx.config.REPORTING_CURRENCY;

/** Figures no rate converted, by currency, in each currency's own money. */
export class Unconverted {
  private readonly by = new Map<string, Figures>();
  add(currency: string, sums: Figures) {
    if (!anyUnconverted(sums)) return;
    const into = this.by.get(currency) ?? noFigures();
    this.by.set(currency, addTo(into, sums));
  }
  json() {
    return Object.fromEntries(
      [...this.by].map(([code, f]) => [code, figuresJson(f, currencyOf(code).exponent)]),
    );
  }
}

/** The conversion of a range into `currency` for the catalog's shops' currencies. */
export async function chainConversion(
  ctx: ServiceContext,
  range: DateRange,
  currency: string,
  catalog?: CatalogSnapshot,
  fxFrom?: string,
): Promise<Conversion> {
  // The currencies of the shops the reader sees: `fx` names no currency of another's shops.
  const shops = [...(catalog ?? (await catalogSnapshot(ctx.db))).shops.values()].filter((s) =>
    seesShop(ctx.principal, s.id),
  );
  const currencies = [...new Set(shops.map((s) => s.currency))];
  return conversionFor(ctx, range, currencies, currency, fxFrom);
}

/** Each shop's figures over a range, converted, with its native net and what stayed unconverted. */
export async function convertedShops(ctx: ServiceContext, range: DateRange, c: Conversion) {
  const rows = await ctx.db.all<ConvertedRow>(sql`
    SELECT r.shop_id AS shop_id, ${convertedSums("s.currency")},
      sum(r.gross_minor - r.discounts_minor - r.refunds_minor) AS native_net
    FROM ${rollupDays(c, "shop_day")} JOIN shops s ON s.id = r.shop_id
    WHERE r.day BETWEEN ${range.from} AND ${range.to} ${visibleFilter(ctx, sql`r.shop_id`)}
    GROUP BY r.shop_id`);
  return rows.map((row) => ({
    shopId: Number(row.shop_id),
    nativeNet: Number(row.native_net),
    ...splitRow(row),
  }));
}

/** Each product's figures over a range in all shops, converted (its rollup is per currency). */
export async function convertedProducts(ctx: ServiceContext, range: DateRange, c: Conversion) {
  // A caller bound to some shops reads their shop × product rollup; everyone else the product's.
  const rows = await ctx.db.all<ConvertedRow>(
    visibleShops(ctx.principal) === null
      ? sql`SELECT r.product_id AS product_id, r.currency AS currency, ${convertedSums("r.currency")}
          FROM ${rollupDays(c, "product_day")}
          WHERE r.day BETWEEN ${range.from} AND ${range.to} GROUP BY r.product_id, r.currency`
      : sql`SELECT r.product_id AS product_id, s.currency AS currency, ${convertedSums("s.currency")}
          FROM ${rollupDays(c, "shop_product_day")} JOIN shops s ON s.id = r.shop_id
          WHERE r.day BETWEEN ${range.from} AND ${range.to} ${visibleFilter(ctx, sql`r.shop_id`)}
          GROUP BY r.product_id, s.currency`,
  );
  const unconverted = new Unconverted();
  const byProduct = new Map<number, Figures>();
  for (const row of rows) {
    const { converted, unconverted: left } = splitRow(row);
    const id = Number(row.product_id);
    byProduct.set(id, addTo(byProduct.get(id) ?? noFigures(), converted));
    unconverted.add(String(row.currency), left);
  }
  return { byProduct, unconverted };
}

/** The chain's (or one product's) converted figures per business day. */
export async function convertedDays(
  ctx: ServiceContext,
  range: DateRange,
  productId: number | null,
  c: Conversion,
) {
  const bound = visibleShops(ctx.principal) !== null;
  const rows = await ctx.db.all<ConvertedRow>(
    productId === null
      ? sql`SELECT r.day AS day, s.currency AS currency, ${convertedSums("s.currency")}
          FROM ${rollupDays(c, "shop_day")} JOIN shops s ON s.id = r.shop_id
          WHERE r.day BETWEEN ${range.from} AND ${range.to} ${visibleFilter(ctx, sql`r.shop_id`)}
          GROUP BY r.day, s.currency`
      : bound
        ? sql`SELECT r.day AS day, s.currency AS currency, ${convertedSums("s.currency")}
          FROM ${rollupDays(c, "shop_product_day")} JOIN shops s ON s.id = r.shop_id
          WHERE r.day BETWEEN ${range.from} AND ${range.to} AND r.product_id = ${productId}
            ${visibleFilter(ctx, sql`r.shop_id`)}
          GROUP BY r.day, s.currency`
        : sql`SELECT r.day AS day, r.currency AS currency, ${convertedSums("r.currency")}
          FROM ${rollupDays(c, "product_day")}
          WHERE r.day BETWEEN ${range.from} AND ${range.to} AND r.product_id = ${productId}
          GROUP BY r.day, r.currency`,
  );
  return rows.map((row) => ({
    day: String(row.day),
    currency: String(row.currency),
    ...splitRow(row),
  }));
}

/** One shop's products over a range, in its currency. */
async function shopProductFigures(ctx: ServiceContext, range: DateRange, shopId: number) {
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

/**
 * Shops ranked by net over a range in the reporting currency; every shop of the catalog takes
 * part (0 without sales). Each keeps its native net and what no rate converted.
 */
export async function rankShops(
  ctx: ServiceContext,
  range: DateRange,
  currency: string,
  given?: Conversion,
) {
  const catalog = await catalogSnapshot(ctx.db);
  const conversion = given ?? (await chainConversion(ctx, range, currency, catalog));
  const rows = await convertedShops(ctx, range, conversion);
  const unconverted = new Unconverted();
  const byShop = new Map(rows.map((r) => [r.shopId, r]));
  const ranked = [...catalog.shops.values()]
    .filter((shop) => seesShop(ctx.principal, shop.id))
    .map((shop) => {
      const row = byShop.get(shop.id);
      if (row) unconverted.add(shop.currency, row.unconverted);
      return {
        id: shop.id,
        shop,
        figures: row?.converted ?? noFigures(),
        nativeNet: row?.nativeNet ?? 0,
      };
    })
    .sort(byNetDesc);
  return { ranked, conversion, unconverted };
}

/** Products ranked by net quantity (or net revenue) over a range (of one shop, or of all); sold ones only. */
export async function rankProducts(
  ctx: ServiceContext,
  range: DateRange,
  shopId: number | null,
  currency: string,
  by: ProductRanking = "quantity",
  given?: Conversion,
) {
  const catalog = await catalogSnapshot(ctx.db);
  let figures: Map<number, Figures>;
  let conversion: Conversion | null = null;
  let unconverted = new Unconverted();
  if (shopId !== null) assertVisible(ctx, shopId);
  if (shopId === null) {
    conversion = given ?? (await chainConversion(ctx, range, currency, catalog));
    ({ byProduct: figures, unconverted } = await convertedProducts(ctx, range, conversion));
  } else {
    const rows = await shopProductFigures(ctx, range, shopId);
    figures = new Map(rows.map(({ productId, ...f }) => [productId, f as Figures]));
  }
  const ranked = [...figures]
    .map(([productId, f]) => ({
      id: productId,
      name: catalog.products.get(productId)?.name ?? "",
      figures: f,
    }))
    .sort((a, b) => {
      const value = by === "net" ? netMinor : netItems;
      return value(b.figures) - value(a.figures) || a.id - b.id;
    });
  return { ranked, conversion, unconverted };
}
