import { type SQL, sql } from "drizzle-orm";
import { toMajor } from "../../../lib/money";

// The arithmetic of docs/API.md#figures, in one place for the API, the pages and the exports: every figure is
// a sum of integer minor units or items, and net = gross − refunds, in minor units.

/** Sums kept per rollup row, in minor units and items. */
export type Figures = {
  grossMinor: number;
  refundsMinor: number;
  itemsSold: number;
  itemsRefunded: number;
  sales: number;
};

export const noFigures = (): Figures => ({
  grossMinor: 0,
  refundsMinor: 0,
  itemsSold: 0,
  itemsRefunded: 0,
  sales: 0,
});

export function addTo(total: Figures, f: Figures): Figures {
  total.grossMinor += f.grossMinor;
  total.refundsMinor += f.refundsMinor;
  total.itemsSold += f.itemsSold;
  total.itemsRefunded += f.itemsRefunded;
  total.sales += f.sales;
  return total;
}

export const netMinor = (f: Figures): number => f.grossMinor - f.refundsMinor;
export const netItems = (f: Figures): number => f.itemsSold - f.itemsRefunded;

/** The figures as the API, the CSV and the workbook show them. */
export function figuresJson(f: Figures) {
  return {
    gross: toMajor(f.grossMinor),
    refunds: toMajor(f.refundsMinor),
    net: toMajor(netMinor(f)),
    items_sold: f.itemsSold,
    items_refunded: f.itemsRefunded,
    sales: f.sales,
  };
}

export type FiguresJson = ReturnType<typeof figuresJson>;

/** The SELECT list that sums a rollup's figures. */
export const sumFigures: Record<keyof Figures, SQL<number>> = {
  grossMinor: sql<number>`sum(gross_minor)`,
  refundsMinor: sql<number>`sum(refunds_minor)`,
  itemsSold: sql<number>`sum(items_sold)`,
  itemsRefunded: sql<number>`sum(items_refunded)`,
  sales: sql<number>`sum(sales)`,
};
