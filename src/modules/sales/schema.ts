import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { MAX_SUM_MINOR } from "../../lib/money";

/** What a sale is, as stored flushed or set aside (fresh builders for each table). */
const saleColumns = () => ({
  shopId: integer().notNull(),
  saleId: text().notNull(),
  productId: integer().notNull(),
  quantity: integer().notNull(),
  unitPriceMinor: integer().notNull(),
  soldAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/**
 * Flushed sales. A sale's identity is (shop_id, sale_id): two shops may use the same id.
 * `flush_shard`/`flush_seq` name the flush that inserted the row: rollups and ranking deltas
 * are computed from exactly those rows, so a sale D1 already had is never counted again.
 */
export const sales = sqliteTable(
  "sales",
  {
    id: integer().primaryKey(),
    ...saleColumns(),
    // Derived in SQL so a flush binds fewer parameters per row (D1: 100 per statement).
    month: text().generatedAlwaysAs(sql`strftime('%Y-%m', sold_at / 1000.0, 'unixepoch')`, {
      mode: "stored",
    }),
    flushShard: integer().notNull(),
    flushSeq: integer().notNull(),
  },
  (t) => [
    uniqueIndex("sales_shop_sale").on(t.shopId, t.saleId),
    index("sales_flush").on(t.flushShard, t.flushSeq),
  ],
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

// Every kept sum is bounded (and an integer): an update that would cross the bound fails, and
// the flush sets aside the one sale that caused it instead of corrupting or blocking the sum.
const bounded = (column: string) =>
  sql.raw(`typeof(${column}) = 'integer' AND ${column} BETWEEN 0 AND ${MAX_SUM_MINOR}`);

export const shopMonthRevenue = sqliteTable(
  "shop_month_revenue",
  {
    shopId: integer().notNull(),
    month: text().notNull(),
    revenueMinor: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.shopId] }),
    check("shop_month_revenue_bounded", bounded("revenue_minor")),
  ],
);

export const productMonthQuantity = sqliteTable(
  "product_month_quantity",
  {
    productId: integer().notNull(),
    month: text().notNull(),
    quantity: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.productId] }),
    index("product_month_quantity_product").on(t.productId),
    check("product_month_quantity_bounded", bounded("quantity")),
  ],
);

/** Revenue of every shop together per UTC day: the dashboard's daily chart. */
export const dayRevenue = sqliteTable(
  "day_revenue",
  {
    day: text().primaryKey(),
    revenueMinor: integer().notNull(),
  },
  () => [check("day_revenue_bounded", bounded("revenue_minor"))],
);

/** Sales a flush could not write (a bound would be crossed): kept, visible, not counted. */
export const salesDeadLetters = sqliteTable(
  "sales_dead_letters",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    shard: integer().notNull(),
    seq: integer().notNull(),
    ...saleColumns(),
    error: text().notNull(),
    setAsideAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("sales_dead_letters_shard_seq").on(t.shard, t.seq)],
);
