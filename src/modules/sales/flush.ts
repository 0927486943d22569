import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { d1RowCounts, type RowCounts } from "../../platform/durable/meter";
import {
  productDay,
  refunds,
  sales,
  salesDeadLetters,
  salesFlushLog,
  shopDay,
  shopProductDay,
} from "./schema";

/** A buffered transaction: a sale, or a refund of `refundOf` (then `saleId` is the refund's id). */
export type BufferedSale = {
  seq: number;
  shopId: number;
  saleId: string;
  productId: number;
  quantity: number;
  unitPriceMinor: number;
  /** When it was sold, or refunded. */
  soldAt: number;
  businessDay: string;
  refundOf: string | null;
};

/** Net changes of one flush by business month, for the Rankings object. */
export type FlushDeltas = {
  shops: { shopId: number; month: string; netMinor: number }[];
  products: { productId: number; month: string; quantity: number }[];
};

/** `d1Rows`: what the flush's D1 statements read and wrote, by table (D1's own meta). */
export type FlushResult = { deltas: FlushDeltas; lastRow: number; replayed: boolean } & {
  d1Rows?: RowCounts;
};
// The tables of a flush batch's write statements, in order.
const WRITES = [
  "sales_flush_log",
  "refunds",
  "shop_day",
  "product_day",
  "shop_product_day",
  "(shop deltas)",
  "(product deltas)",
  "sales",
];

/** A run of buffer rows to flush: its first and last seq, and the rows as one JSON array. */
export type FlushChunk = { firstSeq: number; lastSeq: number; count: number; rowsJson: string };

/** A buffered row as the flush's JSON carries it (the order `readChunk` builds in SQL). */
export const chunkRow = (r: Omit<BufferedSale, "seq">) => [
  r.shopId,
  r.saleId,
  r.productId,
  r.quantity,
  r.unitPriceMinor,
  r.soldAt,
  r.businessDay,
  r.refundOf,
];

/** The chunk of some rows (the bisection of a flush D1 refused works row by row). */
export function chunkOf(rows: readonly BufferedSale[]): FlushChunk {
  return {
    firstSeq: rows[0]?.seq ?? 0,
    lastSeq: rows.at(-1)?.seq ?? 0,
    count: rows.length,
    rowsJson: JSON.stringify(rows.map(chunkRow)),
  };
}

// D1 binds at most 100 parameters per statement, so a multi-row VALUES list would need a
// statement per ~10 rows. The rows go as one JSON parameter (≤ 2 MB; a flush is ≤ 5 000
// transactions, ~0.6 MB) into one INSERT … SELECT FROM json_each per table.
function insertTransactions(db: Db, shard: number, seq: number, json: string) {
  return [
    db
      .insert(sales)
      .select(
        sql`SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4,
                   value ->> 5, value ->> 6, ${shard}, ${seq}
            FROM json_each(${json}) WHERE value ->> 7 IS NULL ORDER BY 1, 2`,
      )
      .onConflictDoNothing(),
    db
      .insert(refunds)
      .select(
        sql`SELECT NULL, value ->> 0, value ->> 1, value ->> 7, value ->> 2, value ->> 3,
                   value ->> 4, value ->> 5, value ->> 6, ${shard}, ${seq}
            FROM json_each(${json}) WHERE value ->> 7 IS NOT NULL ORDER BY 2, 3`,
      )
      .onConflictDoNothing(),
  ] as const;
}

/**
 * One flush's rows as figure terms: its sales from its own JSON rows — `new`: those D1 does not
 * have yet (read before the insert, so a sale D1 had is never counted again), `applied`: those a
 * replayed flush stored (tagged shard, seq) — and its refunds, tagged (shard, seq).
 */
function flushRows(db: Db, shard: number, seq: number, json: string, which: "new" | "applied") {
  const zero = sql<number>`0`;
  const sameSale = sql`s.shop_id = value ->> 0 AND s.sale_id = value ->> 1`;
  const stored =
    which === "new"
      ? sql`NOT EXISTS (SELECT 1 FROM ${sales} s WHERE ${sameSale})`
      : sql`EXISTS (SELECT 1 FROM ${sales} s WHERE ${sameSale}
          AND s.flush_shard = ${shard} AND s.flush_seq = ${seq})`;
  return db
    .select({
      day: sql<string>`value ->> 6`.as("day"),
      shopId: sql<number>`value ->> 0`.as("shop_id"),
      productId: sql<number>`value ->> 2`.as("product_id"),
      gross: sql<number>`(value ->> 3) * (value ->> 4)`.as("gross"),
      refunds: zero.as("refunds"),
      sold: sql<number>`value ->> 3`.as("sold"),
      refunded: zero.as("refunded"),
      n: sql<number>`1`.as("n"),
    })
    .from(sql`json_each(${json})`)
    .where(sql`value ->> 7 IS NULL AND ${stored}`)
    .unionAll(
      db
        .select({
          day: refunds.businessDay,
          shopId: refunds.shopId,
          productId: refunds.productId,
          gross: zero,
          refunds: sql<number>`${refunds.quantity} * ${refunds.unitPriceMinor}`,
          sold: zero,
          refunded: sql<number>`${refunds.quantity}`,
          n: zero,
        })
        .from(refunds)
        .where(and(eq(refunds.flushShard, shard), eq(refunds.flushSeq, seq))),
    )
    .as("flushed");
}

type FlushRows = ReturnType<typeof flushRows>;

/** The figures of a group of a flush's rows, as a rollup row holds them. */
const figuresOf = (f: FlushRows) => ({
  grossMinor: sql<number>`sum(${f.gross})`.as("gross_minor"),
  refundsMinor: sql<number>`sum(${f.refunds})`.as("refunds_minor"),
  itemsSold: sql<number>`sum(${f.sold})`.as("items_sold"),
  itemsRefunded: sql<number>`sum(${f.refunded})`.as("items_refunded"),
  sales: sql<number>`sum(${f.n})`.as("sales"),
});

const addFigures = {
  grossMinor: sql`gross_minor + excluded.gross_minor`,
  refundsMinor: sql`refunds_minor + excluded.refunds_minor`,
  itemsSold: sql`items_sold + excluded.items_sold`,
  itemsRefunded: sql`items_refunded + excluded.items_refunded`,
  sales: sql`sales + excluded.sales`,
};

// `where(true)`: SQLite's upsert after an INSERT … SELECT needs a WHERE to parse unambiguously.
const always = sql`true`;

/** Adds one flush's figures to the three business-day rollups. */
function rollupUpserts(db: Db, shard: number, seq: number, json: string) {
  const f = flushRows(db, shard, seq, json, "new");
  return [
    db
      .insert(shopDay)
      .select(
        db
          .select({ day: f.day, shopId: f.shopId, ...figuresOf(f) })
          .from(f)
          .where(always)
          .groupBy(sql`${f.day}`, sql`${f.shopId}`),
      )
      .onConflictDoUpdate({ target: [shopDay.day, shopDay.shopId], set: addFigures }),
    db
      .insert(productDay)
      .select(
        db
          .select({ day: f.day, productId: f.productId, ...figuresOf(f) })
          .from(f)
          .where(always)
          .groupBy(sql`${f.day}`, sql`${f.productId}`),
      )
      .onConflictDoUpdate({ target: [productDay.day, productDay.productId], set: addFigures }),
    db
      .insert(shopProductDay)
      .select(
        db
          .select({ day: f.day, shopId: f.shopId, productId: f.productId, ...figuresOf(f) })
          .from(f)
          .where(always)
          .groupBy(sql`${f.day}`, sql`${f.shopId}`, sql`${f.productId}`),
      )
      .onConflictDoUpdate({
        target: [shopProductDay.day, shopProductDay.shopId, shopProductDay.productId],
        set: addFigures,
      }),
  ] as const;
}

/** The ranking deltas of one flush: net revenue per shop and net quantity per product, by month. */
function deltaQueries(db: Db, shard: number, seq: number, json: string, which: "new" | "applied") {
  const f = flushRows(db, shard, seq, json, which);
  const month = sql<string>`substr(${f.day}, 1, 7)`.as("month");
  return [
    db
      .select({
        shopId: f.shopId,
        month,
        netMinor: sql<number>`sum(${f.gross}) - sum(${f.refunds})`.as("net_minor"),
      })
      .from(f)
      .groupBy(sql`${f.shopId}`, sql`month`),
    db
      .select({
        productId: f.productId,
        month,
        quantity: sql<number>`sum(${f.sold}) - sum(${f.refunded})`.as("quantity"),
      })
      .from(f)
      .groupBy(sql`${f.productId}`, sql`month`),
  ] as const;
}

/** A flush that is in the log already (the shard stopped between D1's commit and its delete). */
export async function replayed(
  db: Db,
  shard: number,
  seq: number,
  json: string,
): Promise<FlushResult> {
  const [shopDeltas, productDeltas] = deltaQueries(db, shard, seq, json, "applied");
  const [logRows, shops, products] = await db.batch([
    db
      .select({ lastRow: salesFlushLog.lastRow })
      .from(salesFlushLog)
      .where(and(eq(salesFlushLog.shard, shard), eq(salesFlushLog.seq, seq))),
    shopDeltas,
    productDeltas,
  ]);
  const logged = logRows[0];
  if (!logged) throw new Error(`flush ${shard}/${seq} conflicted but is not in the flush log`);
  return { deltas: { shops, products }, lastRow: logged.lastRow, replayed: true };
}

/**
 * Writes one flush to D1 in one batch (one transaction): the flush-log row, the transactions,
 * the rollups of exactly the rows this flush inserted, and the same figures as ranking deltas.
 * A replay of an applied flush fails on the flush-log key and rolls back whole; its deltas are
 * then read back from the rows that flush tagged.
 */
export async function writeFlush(
  db: Db,
  shard: number,
  chunk: FlushChunk,
  now: Date,
): Promise<FlushResult> {
  if (chunk.count === 0) throw new Error("empty flush");
  const seq = chunk.firstSeq;
  const json = chunk.rowsJson;
  const [insertSales, insertRefunds] = insertTransactions(db, shard, seq, json);
  const [shopDays, productDays, shopProductDays] = rollupUpserts(db, shard, seq, json);
  const [shopDeltas, productDeltas] = deltaQueries(db, shard, seq, json, "new");
  try {
    // Refunds first (their figures come from their tagged rows), the sales last (theirs from
    // the JSON rows D1 does not have yet): one transaction, so nothing interleaves.
    const results = await db.batch([
      db
        .insert(salesFlushLog)
        .values({ shard, seq, lastRow: chunk.lastSeq, rows: chunk.count, flushedAt: now }),
      insertRefunds,
      shopDays,
      productDays,
      shopProductDays,
      shopDeltas,
      productDeltas,
      insertSales,
    ]);
    const [, , , , , shops, products] = results;
    const d1Rows = d1RowCounts(WRITES, results);
    return { deltas: { shops, products }, lastRow: chunk.lastSeq, replayed: false, d1Rows };
  } catch (error) {
    if (!isUniqueViolation(error, "sales_flush_log")) throw error;
  }
  return replayed(db, shard, seq, json);
}
