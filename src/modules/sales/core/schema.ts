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
import { MAX_SUM_MINOR } from "../../../lib/money";

/** What a transaction is, as stored flushed or set aside (fresh builders for each table). */
const saleColumns = () => ({
  shopId: integer().notNull(),
  saleId: text().notNull(),
  soldAt: integer({ mode: "timestamp_ms" }).notNull(),
  // The shop's business date of the transaction (docs/API.md#business-days), fixed when it was accepted.
  businessDay: text().notNull(),
  // The receipt's lines as one compact JSON column (core/receipt.ts `Line`): a receipt is one
  // row whatever its number of lines; the rollups keep the per-product figures.
  lines: text().notNull(),
  discountMinor: integer().notNull(),
});

// `flush_shard`/`flush_seq` name the flush that inserted a row: rollups and ranking deltas are
// computed from exactly those rows, so a transaction D1 already had is never counted again.
const flushColumns = () => ({ flushShard: integer().notNull(), flushSeq: integer().notNull() });

/**
 * Flushed receipts. A receipt's identity is (shop_id, sale_id): two shops may use the same id.
 * The key is the table (`WITHOUT ROWID`, migrations 0012 and 0015): uniqueness costs one entry
 * a receipt, the row itself, where a rowid table with a unique index wrote two.
 */
export const sales = sqliteTable(
  "sales",
  {
    ...saleColumns(),
    ...flushColumns(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.saleId] })],
);

/**
 * Flushed refunds: (shop_id, refund_id) is the refund's identity, in the same id space as the
 * shop's sales, and the table's key (`WITHOUT ROWID`, migrations 0014 and 0015). `lines` are the
 * refunded lines with the net and tax each returned (core/receipt.ts `RefundLine`).
 */
export const refunds = sqliteTable(
  "refunds",
  {
    shopId: integer().notNull(),
    refundId: text().notNull(),
    saleId: text().notNull(),
    refundedAt: integer({ mode: "timestamp_ms" }).notNull(),
    businessDay: text().notNull(),
    lines: text().notNull(),
    ...flushColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.refundId] }),
    // A sale read back with its refunds (refunds are few: one index entry each is cheap).
    index("refunds_shop_sale").on(t.shopId, t.saleId),
  ],
);

/**
 * One row per applied flush; a replayed flush hits the primary key and rolls back whole. Like
 * the rollups below, keyed `WITHOUT ROWID` (migration 0013): a new row is one row written.
 */
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
// the flush sets aside the one transaction that caused it instead of corrupting or blocking it.
const bounded = (column: string) =>
  sql.raw(`typeof(${column}) = 'integer' AND ${column} BETWEEN 0 AND ${MAX_SUM_MINOR}`);

/**
 * The figures (docs/API.md#figures) a rollup keeps; net is gross − discounts − refunds and tax is
 * tax − refunded tax, both computed on read. `refunds` is the net refunded.
 */
const figureColumns = () => ({
  grossMinor: integer().notNull(),
  refundsMinor: integer().notNull(),
  itemsSold: integer().notNull(),
  itemsRefunded: integer().notNull(),
  sales: integer().notNull(),
  discountsMinor: integer().notNull().default(0),
  taxMinor: integer().notNull().default(0),
  refundedTaxMinor: integer().notNull().default(0),
});

const FIGURE_COLUMNS = [
  "gross_minor",
  "refunds_minor",
  "items_sold",
  "items_refunded",
  "sales",
  "discounts_minor",
  "tax_minor",
  "refunded_tax_minor",
] as const;

const figureChecks = (table: string) =>
  FIGURE_COLUMNS.map((c) => check(`${table}_${c}_bounded`, bounded(c)));

/**
 * A shop's figures per business day: shop rankings and shop series of any range. The rollups
 * are `WITHOUT ROWID` (migration 0013): the key is the table, one entry a new row, not two.
 */
export const shopDay = sqliteTable(
  "shop_day",
  { day: text().notNull(), shopId: integer().notNull(), ...figureColumns() },
  (t) => [primaryKey({ columns: [t.day, t.shopId] }), ...figureChecks("shop_day")],
);

/**
 * A product's figures per business day and currency (of the shops it sold in): money of shops in
 * different currencies is never added up, the reports convert it on read (docs/API.md#currencies).
 */
export const productDay = sqliteTable(
  "product_day",
  {
    day: text().notNull(),
    productId: integer().notNull(),
    currency: text().notNull(),
    ...figureColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.productId, t.currency] }),
    ...figureChecks("product_day"),
  ],
);

/** A product's figures in one shop per business day: a shop's products, both filters at once. */
export const shopProductDay = sqliteTable(
  "shop_product_day",
  {
    day: text().notNull(),
    shopId: integer().notNull(),
    productId: integer().notNull(),
    ...figureColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.shopId, t.productId] }),
    ...figureChecks("shop_product_day"),
  ],
);

/** Shops whose history is being moved to new business days (a `shop-rebucket` job runs). */
export const shopRebuckets = sqliteTable("shop_rebuckets", {
  shopId: integer().primaryKey(),
  requestedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** Transactions a flush could not write (a bound would be crossed): kept, visible, not counted. */
export const salesDeadLetters = sqliteTable(
  "sales_dead_letters",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    shard: integer().notNull(),
    seq: integer().notNull(),
    ...saleColumns(),
    // A refund set aside: `sale_id` is the refund's id, `refund_of` the refunded sale's.
    refundOf: text(),
    error: text().notNull(),
    setAsideAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("sales_dead_letters_shard_seq").on(t.shard, t.seq)],
);
