import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const products = sqliteTable("products", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  model: text().notNull(),
  priceMinor: integer().notNull(),
  releaseDate: text().notNull(),
});

export const shops = sqliteTable("shops", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  address: text().notNull(),
  companyId: integer(),
});

/**
 * Flushed sales. `flush_shard`/`flush_seq` name the flush that inserted the row: rollups and
 * ranking deltas are computed from exactly those rows, so a sale D1 already had is never
 * counted again.
 */
export const sales = sqliteTable(
  "sales",
  {
    id: text().primaryKey(),
    productId: integer().notNull(),
    shopId: integer().notNull(),
    quantity: integer().notNull(),
    unitPriceMinor: integer().notNull(),
    soldAt: integer({ mode: "timestamp_ms" }).notNull(),
    // Derived in SQL so a flush binds fewer parameters per row (D1: 100 per statement).
    month: text().generatedAlwaysAs(sql`strftime('%Y-%m', sold_at / 1000.0, 'unixepoch')`, {
      mode: "stored",
    }),
    flushShard: integer().notNull(),
    flushSeq: integer().notNull(),
  },
  (t) => [index("sales_flush").on(t.flushShard, t.flushSeq)],
);

/** One row per applied flush; a replayed flush hits the primary key and rolls back whole. */
export const salesFlushLog = sqliteTable(
  "sales_flush_log",
  {
    shard: integer().notNull(),
    seq: integer().notNull(),
    lastRow: integer().notNull(),
    rows: integer().notNull(),
    flushedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shard, t.seq] })],
);

export const shopMonthRevenue = sqliteTable(
  "shop_month_revenue",
  {
    shopId: integer().notNull(),
    month: text().notNull(),
    revenueMinor: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.shopId] })],
);

export const productMonthQuantity = sqliteTable(
  "product_month_quantity",
  {
    productId: integer().notNull(),
    month: text().notNull(),
    quantity: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.productId] })],
);
