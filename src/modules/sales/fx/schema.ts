import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Exchange rates by date (docs/API.md#exchange-rates): on `date`, one `base` is worth `rate` units
 * of `currency` (the base itself is stored at 1). A date is one set, replaced whole by a PUT, so
 * every cross rate of a date comes from the same base.
 */
export const fxRates = sqliteTable(
  "fx_rates",
  {
    date: text().notNull(),
    currency: text().notNull(),
    base: text().notNull(),
    rate: real().notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.date, t.currency] })],
);
