// Rollups converted as D1 reads them (docs/API.md#reporting-currency): every rollup row — a shop's
// or a product's business day in its own currency — is multiplied by its day's factor and rounded
// to the reporting currency's minor unit, then summed. One formula for every report, so a series
// adds up to its totals and the shops of a top 10 to the chain; a row without a rate is summed
// apart in its own currency, never guessed.
import { sql } from "drizzle-orm";
import type { Conversion } from "./rates";

/** The sums a rollup row keeps (core/schema.ts), by their name in the reports. */
const COLUMNS = {
  grossMinor: ["gross_minor", true],
  discountsMinor: ["discounts_minor", true],
  refundsMinor: ["refunds_minor", true],
  taxMinor: ["tax_minor", true],
  refundedTaxMinor: ["refunded_tax_minor", true],
  itemsSold: ["items_sold", false],
  itemsRefunded: ["items_refunded", false],
  sales: ["sales", false],
} as const;

export type Sums = Record<keyof typeof COLUMNS, number>;

/** Where a rollup row's currency is: its shop's (`s`, joined), or its own column. */
type CurrencyColumn = "s.currency" | "r.currency";

/**
 * The SELECT list of converted sums (`c_…`, in the reporting currency) and of the sums no rate
 * converts (`u_…`, in the row's own currency), over rollup rows `r` of the days `f`.
 */
export const convertedSums = (currency: CurrencyColumn) => {
  const factor = `(f.factors ->> ${currency})`;
  return sql.raw(
    Object.values(COLUMNS)
      .flatMap(([column, money]) => [
        money
          ? `CAST(coalesce(sum(round(r.${column} * ${factor})), 0) AS INTEGER) AS c_${column}`
          : `coalesce(sum(CASE WHEN ${factor} IS NOT NULL THEN r.${column} END), 0) AS c_${column}`,
        `coalesce(sum(CASE WHEN ${factor} IS NULL THEN r.${column} END), 0) AS u_${column}`,
      ])
      .join(", "),
  );
};

/**
 * A rollup's rows `r` of the range's days, each with its day's factors `f.factors` (currency →
 * factor). The days drive the join (CROSS JOIN keeps them the outer loop): each finds its rows by
 * the rollup's key, where matching every row against the factors took seconds over a year.
 */
export const rollupDays = (
  conversion: Conversion,
  table: "shop_day" | "product_day" | "shop_product_day",
) =>
  sql`(SELECT value ->> 0 AS day, value -> 1 AS factors
       FROM json_each(${JSON.stringify(conversion.days)})) f
      CROSS JOIN ${sql.raw(table)} r ON r.day = f.day`;

/** Whether a row of converted sums has any figure no rate converted. */
export type ConvertedRow = Record<string, number | string | null>;

/** A row's converted sums and the ones left in its own currency. */
export function splitRow(row: ConvertedRow): { converted: Sums; unconverted: Sums } {
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(COLUMNS).map(([key, [column]]) => [key, Number(row[`${prefix}${column}`])]),
    ) as Sums;
  return { converted: pick("c_"), unconverted: pick("u_") };
}

/** Whether any sum was left unconverted. */
export const anyUnconverted = (s: Sums) => Object.values(s).some((v) => v !== 0);
