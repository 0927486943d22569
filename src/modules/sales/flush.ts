import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import {
  dayRevenue,
  productMonthQuantity,
  sales,
  salesDeadLetters,
  salesFlushLog,
  shopMonthRevenue,
} from "./schema";

export type BufferedSale = {
  seq: number;
  shopId: number;
  saleId: string;
  productId: number;
  quantity: number;
  unitPriceMinor: number;
  soldAt: number;
};

export type FlushDeltas = {
  shops: { shopId: number; month: string; revenueMinor: number }[];
  products: { productId: number; month: string; quantity: number }[];
  days: { day: string; revenueMinor: number }[];
};

export type FlushResult = { deltas: FlushDeltas; lastRow: number; replayed: boolean };

/** A run of buffer rows to flush: its first and last seq, and the rows as one JSON array. */
export type FlushChunk = { firstSeq: number; lastSeq: number; count: number; rowsJson: string };

/** The chunk of some rows (the bisection of a flush D1 refused works row by row). */
export function chunkOf(rows: readonly BufferedSale[]): FlushChunk {
  return {
    firstSeq: rows[0]?.seq ?? 0,
    lastSeq: rows.at(-1)?.seq ?? 0,
    count: rows.length,
    rowsJson: JSON.stringify(
      rows.map((r) => [r.shopId, r.saleId, r.productId, r.quantity, r.unitPriceMinor, r.soldAt]),
    ),
  };
}

// D1 binds at most 100 parameters per statement, so a multi-row VALUES list would need a
// statement per ~12 sales. The rows go as one JSON parameter (≤ 2 MB; a flush is ≤ 5 000
// sales, ~0.5 MB) into one INSERT … SELECT FROM json_each: one statement per flush.
function insertSales(db: Db, shard: number, seq: number, json: string) {
  // Selected in the table's column order (the generated month excluded), as insert…select needs.
  return db
    .insert(sales)
    .select(
      sql`SELECT NULL, value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
                 value ->> '$[4]', value ->> '$[5]', ${shard}, ${seq}
          FROM json_each(${json}) WHERE true ORDER BY 2, 3`,
    )
    .onConflictDoNothing();
}

const dayOf = sql<string>`strftime('%Y-%m-%d', ${sales.soldAt} / 1000.0, 'unixepoch')`;
const revenueOf = sql<number>`sum(${sales.quantity} * ${sales.unitPriceMinor})`;

/** This flush's aggregates, from exactly the rows it inserted (tagged shard, seq). */
function aggregates(db: Db, shard: number, seq: number) {
  const ofFlush = and(eq(sales.flushShard, shard), eq(sales.flushSeq, seq));
  return {
    shops: db
      .select({
        shopId: sales.shopId,
        month: sql<string>`${sales.month}`.as("month"),
        revenueMinor: revenueOf.as("revenue_minor"),
      })
      .from(sales)
      .where(ofFlush)
      .groupBy(sales.shopId, sales.month),
    products: db
      .select({
        productId: sales.productId,
        month: sql<string>`${sales.month}`.as("month"),
        quantity: sql<number>`sum(${sales.quantity})`.as("quantity"),
      })
      .from(sales)
      .where(ofFlush)
      .groupBy(sales.productId, sales.month),
    days: db
      .select({ day: dayOf.as("day"), revenueMinor: revenueOf.as("revenue_minor") })
      .from(sales)
      .where(ofFlush)
      .groupBy(dayOf),
  };
}

function rollupUpserts(db: Db, shard: number, seq: number) {
  const of = aggregates(db, shard, seq);
  return [
    db
      .insert(shopMonthRevenue)
      .select(of.shops)
      .onConflictDoUpdate({
        target: [shopMonthRevenue.month, shopMonthRevenue.shopId],
        set: { revenueMinor: sql`${shopMonthRevenue.revenueMinor} + excluded.revenue_minor` },
      }),
    db
      .insert(productMonthQuantity)
      .select(of.products)
      .onConflictDoUpdate({
        target: [productMonthQuantity.month, productMonthQuantity.productId],
        set: { quantity: sql`${productMonthQuantity.quantity} + excluded.quantity` },
      }),
    db
      .insert(dayRevenue)
      .select(of.days)
      .onConflictDoUpdate({
        target: dayRevenue.day,
        set: { revenueMinor: sql`${dayRevenue.revenueMinor} + excluded.revenue_minor` },
      }),
  ] as const;
}

/** A flush that is in the log already (the shard stopped between D1's commit and its delete). */
async function replayed(db: Db, shard: number, seq: number): Promise<FlushResult> {
  const of = aggregates(db, shard, seq);
  const [logRows, shops, products, days] = await db.batch([
    db
      .select({ lastRow: salesFlushLog.lastRow })
      .from(salesFlushLog)
      .where(and(eq(salesFlushLog.shard, shard), eq(salesFlushLog.seq, seq))),
    of.shops,
    of.products,
    of.days,
  ]);
  const logged = logRows[0];
  if (!logged) throw new Error(`flush ${shard}/${seq} conflicted but is not in the flush log`);
  return { deltas: { shops, products, days }, lastRow: logged.lastRow, replayed: true };
}

/**
 * Writes one flush to D1 in one batch (one transaction): the flush-log row, the sales, the
 * rollups of exactly the rows this flush inserted, and the same aggregates as ranking deltas.
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
  const of = aggregates(db, shard, seq);
  try {
    const [, , , , , shops, products, days] = await db.batch([
      db
        .insert(salesFlushLog)
        .values({ shard, seq, lastRow: chunk.lastSeq, rows: chunk.count, flushedAt: now }),
      insertSales(db, shard, seq, chunk.rowsJson),
      ...rollupUpserts(db, shard, seq),
      of.shops,
      of.products,
      of.days,
    ]);
    return { deltas: { shops, products, days }, lastRow: chunk.lastSeq, replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error, "sales_flush_log")) throw error;
  }
  return replayed(db, shard, seq);
}

/**
 * Sets one sale aside that no flush can write, with the flush-log row of its seq, so that a
 * replay of this step is recognised like any other flush.
 */
export async function writeDeadLetter(
  db: Db,
  shard: number,
  row: BufferedSale,
  error: string,
  now: Date,
): Promise<FlushResult> {
  try {
    await db.batch([
      db
        .insert(salesFlushLog)
        .values({ shard, seq: row.seq, lastRow: row.seq, rows: 0, flushedAt: now }),
      db.insert(salesDeadLetters).values({
        shard,
        seq: row.seq,
        shopId: row.shopId,
        saleId: row.saleId,
        productId: row.productId,
        quantity: row.quantity,
        unitPriceMinor: row.unitPriceMinor,
        soldAt: new Date(row.soldAt),
        error: error.slice(0, 500),
        setAsideAt: now,
      }),
    ]);
  } catch (e) {
    if (!isUniqueViolation(e, "sales_flush_log")) throw e;
    return replayed(db, shard, row.seq);
  }
  return { deltas: { shops: [], products: [], days: [] }, lastRow: row.seq, replayed: false };
}
