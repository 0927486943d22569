import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * D1's size and rows as the capacity job last counted them (docs/ARCHIVE.md#d1s-capacity), one
 * row a run; `warning` says the run found D1 above the warning line, so the next one mails only
 * when that starts.
 */
export const d1Capacity = sqliteTable("d1_capacity", {
  takenAt: integer({ mode: "timestamp_ms" }).primaryKey(),
  sizeBytes: integer().notNull(),
  rows: text({ mode: "json" }).$type<Record<string, number>>().notNull(),
  sales: integer().notNull(),
  warning: integer({ mode: "boolean" }).notNull(),
});
