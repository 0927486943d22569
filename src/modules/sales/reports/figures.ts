import { type SQL, sql } from "drizzle-orm";
import { toMajor as majorOf } from "../../../lib/money";

// The arithmetic of docs/API.md#figures, in one place for the API, the pages and the exports:
// every figure is a sum of integer minor units or items kept by the rollups, and the derived
// ones are computed here, in minor units, on read.

/** Sums kept per rollup row, in minor units and items (`refundsMinor`: the net refunded). */
export type Figures = {
  grossMinor: number;
  discountsMinor: number;
  refundsMinor: number;
  taxMinor: number;
  refundedTaxMinor: number;
  itemsSold: number;
  itemsRefunded: number;
  sales: number;
};

export const noFigures = (): Figures => ({
  grossMinor: 0,
  discountsMinor: 0,
  refundsMinor: 0,
  taxMinor: 0,
  refundedTaxMinor: 0,
  itemsSold: 0,
  itemsRefunded: 0,
  sales: 0,
});

export function addTo(total: Figures, f: Figures): Figures {
  for (const key of Object.keys(total) as (keyof Figures)[]) total[key] += f[key];
  return total;
}

/** Net revenue: gross − discounts − refunds. */
export const netMinor = (f: Figures): number => f.grossMinor - f.discountsMinor - f.refundsMinor;
/** Tax kept: collected − returned with refunds. */
export const taxMinor = (f: Figures): number => f.taxMinor - f.refundedTaxMinor;
export const netItems = (f: Figures): number => f.itemsSold - f.itemsRefunded;

/** (gross − discounts) / sales, half up to the minor unit; null without sales. */
export const averageSaleMinor = (f: Figures): number | null =>
  f.sales === 0 ? null : Math.round((f.grossMinor - f.discountsMinor) / f.sales);

/** Items sold per sale, to two decimals; null without sales. */
export const itemsPerSale = (f: Figures): number | null =>
  f.sales === 0 ? null : Math.round((f.itemsSold / f.sales) * 100) / 100;

/** The figures as the API, the CSV and the workbook show them. */
export function figuresJson(f: Figures, exponent = 2) {
  const average = averageSaleMinor(f);
  const toMajor = (minor: number) => majorOf(minor, exponent);
  return {
    gross: toMajor(f.grossMinor),
    discounts: toMajor(f.discountsMinor),
    refunds: toMajor(f.refundsMinor),
    net: toMajor(netMinor(f)),
    tax: toMajor(taxMinor(f)),
    collected: toMajor(netMinor(f) + taxMinor(f)),
    items_sold: f.itemsSold,
    items_refunded: f.itemsRefunded,
    sales: f.sales,
    average_sale: average === null ? null : toMajor(average),
    items_per_sale: itemsPerSale(f),
  };
}

export type FiguresJson = ReturnType<typeof figuresJson>;

/** The SELECT list that sums a rollup's figures. */
export const sumFigures: Record<keyof Figures, SQL<number>> = {
  grossMinor: sql<number>`sum(gross_minor)`,
  discountsMinor: sql<number>`sum(discounts_minor)`,
  refundsMinor: sql<number>`sum(refunds_minor)`,
  taxMinor: sql<number>`sum(tax_minor)`,
  refundedTaxMinor: sql<number>`sum(refunded_tax_minor)`,
  itemsSold: sql<number>`sum(items_sold)`,
  itemsRefunded: sql<number>`sum(items_refunded)`,
  sales: sql<number>`sum(sales)`,
};
