// The flush's write stage: one D1 batch (one transaction) for a run of the buffer.
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { d1RowCounts, type RowCounts } from "../../../platform/durable/meter";
import { productDay, refunds, sales, salesFlushLog, shopDay, shopProductDay } from "../core/schema";
import {
  type BufferedSale,
  type ChunkRow,
  chunkRow,
  type FlushDeltas,
  keyOf,
} from "../core/transaction";
import { deltasOf, rollupRows, rollupsOf } from "./rollups";

/** A run of buffer rows to flush: its first and last seq, and its transactions, once each. */
export type FlushChunk = { firstSeq: number; lastSeq: number; count: number; rows: ChunkRow[] };

/** The chunk of some rows (the bisection of a flush D1 refused works row by row). */
export function chunkOf(rows: readonly BufferedSale[]): FlushChunk {
  return {
    firstSeq: rows[0]?.seq ?? 0,
    lastSeq: rows.at(-1)?.seq ?? 0,
    count: rows.length,
    rows: rows.map(chunkRow),
  };
}

/** `d1Rows`: what the flush's D1 statements read and wrote, by table (D1's own meta). */
export type FlushResult = { deltas: FlushDeltas; lastRow: number; replayed: boolean } & {
  d1Rows?: RowCounts;
};

// D1 binds at most 100 parameters per statement, so a multi-row VALUES list would need a
// statement per ~10 rows: rows go as one JSON parameter (≤ 2 MB; a flush of 5 000
// transactions is ~0.6 MB) into one INSERT … SELECT FROM json_each, in the table's column order.
const fromJson = (json: string, columns: number) =>
  sql`SELECT ${sql.raw(Array.from({ length: columns }, (_, i) => `value ->> ${i}`).join(", "))}
      FROM json_each(${json}) WHERE true`;

// A product's day rollup is per currency, the currency of the shops it sold in: D1 sums the
// flush's shop × product rows by their shop's currency (shops is small; the shard need not know it).
const productDaysOf = (shopProductRows: string) =>
  sql`SELECT value ->> 0, value ->> 2, shops.currency,
        ${sql.raw(Array.from({ length: 8 }, (_, i) => `sum(value ->> ${i + 3})`).join(", "))}
      FROM json_each(${shopProductRows}) JOIN shops ON shops.id = value ->> 1
      GROUP BY 1, 2, 3`;

// Each rollup figure adds the flush's sum to what the row holds.
const add = (column: string) => sql.raw(`${column} + excluded.${column}`);
const addFigures = {
  grossMinor: add("gross_minor"),
  refundsMinor: add("refunds_minor"),
  itemsSold: add("items_sold"),
  itemsRefunded: add("items_refunded"),
  sales: add("sales"),
  discountsMinor: add("discounts_minor"),
  taxMinor: add("tax_minor"),
  refundedTaxMinor: add("refunded_tax_minor"),
};

/**
 * The statements of one flush, each with the table it writes: the flush-log row (a replay fails
 * on its key first), the transactions as plain INSERTs (a key D1 has already fails the batch
 * whole: see `writeFlush`), the rollups. Statements with nothing to write are left out.
 */
function flushStatements(
  db: Db,
  shard: number,
  chunk: FlushChunk,
  rows: readonly ChunkRow[],
  now: Date,
) {
  const seq = chunk.firstSeq;
  const rollups = rollupsOf(rows);
  // A receipt's columns: shop, id, time, day, lines, its discount, the flush.
  const saleRows = rows
    .filter((r) => r[4] === null)
    .map((r) => [r[0], r[1], r[2], r[3], r[5], r[6], shard, seq]);
  // A refund's columns: shop, refund id, the refunded receipt, time, day, lines, the flush.
  const refundRows = rows
    .filter((r) => r[4] !== null)
    .map((r) => [r[0], r[1], r[4], r[2], r[3], r[5], shard, seq]);
  const json = (rows: unknown[], columns: number) => fromJson(JSON.stringify(rows), columns);
  const statements: [table: string, statement: BatchItem<"sqlite">, rows: number][] = [
    [
      "sales_flush_log",
      db
        .insert(salesFlushLog)
        .values({ shard, seq, lastRow: chunk.lastSeq, rows: chunk.count, flushedAt: now }),
      1,
    ],
    ["refunds", db.insert(refunds).select(json(refundRows, 8)), refundRows.length],
    [
      "shop_day",
      db
        .insert(shopDay)
        .select(json(rollupRows(rollups.shopDays), 10))
        .onConflictDoUpdate({ target: [shopDay.day, shopDay.shopId], set: addFigures }),
      rollups.shopDays.size,
    ],
    [
      "product_day",
      db
        .insert(productDay)
        .select(productDaysOf(JSON.stringify(rollupRows(rollups.shopProductDays))))
        .onConflictDoUpdate({
          target: [productDay.day, productDay.productId, productDay.currency],
          set: addFigures,
        }),
      rollups.productDays.size,
    ],
    [
      "shop_product_day",
      db
        .insert(shopProductDay)
        .select(json(rollupRows(rollups.shopProductDays), 11))
        .onConflictDoUpdate({
          target: [shopProductDay.day, shopProductDay.shopId, shopProductDay.productId],
          set: addFigures,
        }),
      rollups.shopProductDays.size,
    ],
    // In key order, so the B-tree takes them page by page.
    ["sales", db.insert(sales).select(sql`${json(saleRows, 8)} ORDER BY 1, 2`), saleRows.length],
  ];
  return { statements: statements.filter(([, , n]) => n > 0), deltas: deltasOf(rollups) };
}

async function applyFlush(
  db: Db,
  shard: number,
  chunk: FlushChunk,
  rows: readonly ChunkRow[],
  now: Date,
): Promise<FlushResult> {
  const { statements, deltas } = flushStatements(db, shard, chunk, rows, now);
  const [first, ...rest] = statements.map(([, s]) => s);
  if (!first) throw new Error("a flush without its log row");
  const results = await db.batch([first, ...rest]);
  const d1Rows = d1RowCounts(
    statements.map(([table]) => table),
    results,
  );
  return { deltas, lastRow: chunk.lastSeq, replayed: false, d1Rows };
}

/** The flush (`shard:seq`) that stored each of these transactions D1 has, by `keyOf`. */
async function storedBy(db: Db, rows: readonly ChunkRow[]): Promise<Map<string, string>> {
  const keys = (refund: boolean) =>
    JSON.stringify(rows.filter((r) => (r[4] !== null) === refund).map((r) => [r[0], r[1]]));
  const found = await db.all<{ k: string; flush: string }>(sql`
    SELECT 's:' || s.shop_id || ':' || s.sale_id AS k, s.flush_shard || ':' || s.flush_seq AS flush
    FROM json_each(${keys(false)}) j JOIN ${sales} s
      ON s.shop_id = j.value ->> 0 AND s.sale_id = j.value ->> 1
    UNION ALL
    SELECT 'r:' || r.shop_id || ':' || r.refund_id, r.flush_shard || ':' || r.flush_seq
    FROM json_each(${keys(true)}) j JOIN ${refunds} r
      ON r.shop_id = j.value ->> 0 AND r.refund_id = j.value ->> 1`);
  return new Map(found.map((f) => [f.k, f.flush]));
}

/**
 * A flush that is in the log already (the shard stopped between D1's commit and its delete):
 * its deltas are those of the rows that flush stored, found by their tag.
 */
export async function replayed(db: Db, shard: number, chunk: FlushChunk): Promise<FlushResult> {
  const seq = chunk.firstSeq;
  const [logged] = await db
    .select({ lastRow: salesFlushLog.lastRow })
    .from(salesFlushLog)
    .where(and(eq(salesFlushLog.shard, shard), eq(salesFlushLog.seq, seq)));
  if (!logged) throw new Error(`flush ${shard}/${seq} conflicted but is not in the flush log`);
  const stored = await storedBy(db, chunk.rows);
  const applied = chunk.rows.filter((r) => stored.get(keyOf(r)) === `${shard}:${seq}`);
  return { deltas: deltasOf(rollupsOf(applied)), lastRow: logged.lastRow, replayed: true };
}

/**
 * Writes one flush to D1 in one batch (one transaction): the flush-log row, the transactions and
 * the rollups of exactly those transactions, summed here; the same figures are the ranking deltas.
 * A transaction D1 has already (its id outlived the shard's memory of flushed ids) fails the
 * batch whole, and the flush is written again without the ones D1 has: never counted twice.
 */
export async function writeFlush(
  db: Db,
  shard: number,
  chunk: FlushChunk,
  now: Date,
): Promise<FlushResult> {
  if (chunk.count === 0) throw new Error("empty flush");
  try {
    return await applyFlush(db, shard, chunk, chunk.rows, now);
  } catch (error) {
    if (isUniqueViolation(error, "sales_flush_log")) return replayed(db, shard, chunk);
    if (!isUniqueViolation(error, "sales") && !isUniqueViolation(error, "refunds")) throw error;
  }
  const stored = await storedBy(db, chunk.rows);
  const rows = chunk.rows.filter((r) => !stored.has(keyOf(r)));
  return applyFlush(db, shard, chunk, rows, now);
}
