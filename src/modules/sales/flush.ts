import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { d1RowCounts, type RowCounts } from "../../platform/durable/meter";
import { productDay, refunds, sales, salesFlushLog, shopDay, shopProductDay } from "./schema";

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

/** A transaction as a flush carries it: `BufferedSale`'s fields in order, without the seq. */
export type ChunkRow = [
  shopId: number,
  saleId: string,
  productId: number,
  quantity: number,
  unitPriceMinor: number,
  soldAt: number,
  businessDay: string,
  refundOf: string | null,
];

export const chunkRow = (r: Omit<BufferedSale, "seq">): ChunkRow => [
  r.shopId,
  r.saleId,
  r.productId,
  r.quantity,
  r.unitPriceMinor,
  r.soldAt,
  r.businessDay,
  r.refundOf,
];

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

/** Net changes of one flush by business month, for the Rankings object. */
export type FlushDeltas = {
  shops: { shopId: number; month: string; netMinor: number }[];
  products: { productId: number; month: string; quantity: number }[];
};

/** `d1Rows`: what the flush's D1 statements read and wrote, by table (D1's own meta). */
export type FlushResult = { deltas: FlushDeltas; lastRow: number; replayed: boolean } & {
  d1Rows?: RowCounts;
};

/** Sums of a rollup row: gross, refunds (minor units), items sold, items refunded, sales. */
type Sums = [number, number, number, number, number];
/** Sums by key (the key's parts joined by `|`), each with its key's parts. */
type SumsBy = Map<string, { key: (string | number)[]; sums: Sums }>;

function addTo(into: SumsBy, key: (string | number)[], terms: Sums) {
  const id = key.join("|");
  const entry = into.get(id);
  if (!entry) into.set(id, { key, sums: [...terms] });
  else for (const [i, term] of terms.entries()) entry.sums[i] = (entry.sums[i] ?? 0) + term;
}

/**
 * One flush's figures, summed here from its rows: D1 gets each rollup as one small JSON
 * parameter, so it neither looks the flush's sales up again nor groups them (when D1 summed
 * them, a flush shipped its rows five more times and looked each sale up five times).
 */
function rollupsOf(rows: readonly ChunkRow[]) {
  const shopDays: SumsBy = new Map();
  const productDays: SumsBy = new Map();
  const shopProductDays: SumsBy = new Map();
  for (const [shopId, , productId, quantity, unitPriceMinor, , day, refundOf] of rows) {
    const amount = quantity * unitPriceMinor;
    const terms: Sums =
      refundOf === null ? [amount, 0, quantity, 0, 1] : [0, amount, 0, quantity, 0];
    addTo(shopDays, [day, shopId], terms);
    addTo(productDays, [day, productId], terms);
    addTo(shopProductDays, [day, shopId, productId], terms);
  }
  return { shopDays, productDays, shopProductDays };
}

type Rollups = ReturnType<typeof rollupsOf>;

/** A rollup's rows as D1 takes them: the key's parts, then the sums. */
const rollupRows = (by: SumsBy) => [...by.values()].map((e) => [...e.key, ...e.sums]);

/** A rollup's net figure per id (its key's second part) and business month. */
function netByMonth(by: SumsBy, net: (sums: Sums) => number) {
  const months = new Map<string, { id: number; month: string; net: number }>();
  for (const { key, sums } of by.values()) {
    const [id, month] = [Number(key[1]), String(key[0]).slice(0, 7)];
    const entry = months.get(`${id}|${month}`) ?? { id, month, net: 0 };
    entry.net += net(sums);
    months.set(`${id}|${month}`, entry);
  }
  return [...months.values()];
}

/** The ranking deltas of a flush: net revenue per shop and net items per product, by month. */
function deltasOf({ shopDays, productDays }: Rollups): FlushDeltas {
  return {
    shops: netByMonth(shopDays, (s) => s[0] - s[1]).map(({ id, month, net }) => ({
      shopId: id,
      month,
      netMinor: net,
    })),
    products: netByMonth(productDays, (s) => s[2] - s[3]).map(({ id, month, net }) => ({
      productId: id,
      month,
      quantity: net,
    })),
  };
}

// D1 binds at most 100 parameters per statement, so a multi-row VALUES list would need a
// statement per ~10 rows: rows go as one JSON parameter (≤ 2 MB; a flush of 5 000
// transactions is ~0.6 MB) into one INSERT … SELECT FROM json_each, in the table's column order.
const fromJson = (json: string, columns: number) =>
  sql`SELECT ${sql.raw(Array.from({ length: columns }, (_, i) => `value ->> ${i}`).join(", "))}
      FROM json_each(${json}) WHERE true`;

const addFigures = {
  grossMinor: sql`gross_minor + excluded.gross_minor`,
  refundsMinor: sql`refunds_minor + excluded.refunds_minor`,
  itemsSold: sql`items_sold + excluded.items_sold`,
  itemsRefunded: sql`items_refunded + excluded.items_refunded`,
  sales: sql`sales + excluded.sales`,
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
  const saleRows = rows.filter((r) => r[7] === null).map((r) => [...r.slice(0, 7), shard, seq]);
  // A refund's columns: shop, refund id, the refunded sale, product … day, the flush.
  const refundRows = rows
    .filter((r) => r[7] !== null)
    .map((r) => [r[0], r[1], r[7], ...r.slice(2, 7), shard, seq]);
  const json = (rows: unknown[], columns: number) => fromJson(JSON.stringify(rows), columns);
  const statements: [table: string, statement: BatchItem<"sqlite">, rows: number][] = [
    [
      "sales_flush_log",
      db
        .insert(salesFlushLog)
        .values({ shard, seq, lastRow: chunk.lastSeq, rows: chunk.count, flushedAt: now }),
      1,
    ],
    ["refunds", db.insert(refunds).select(json(refundRows, 10)), refundRows.length],
    [
      "shop_day",
      db
        .insert(shopDay)
        .select(json(rollupRows(rollups.shopDays), 7))
        .onConflictDoUpdate({ target: [shopDay.day, shopDay.shopId], set: addFigures }),
      rollups.shopDays.size,
    ],
    [
      "product_day",
      db
        .insert(productDay)
        .select(json(rollupRows(rollups.productDays), 7))
        .onConflictDoUpdate({ target: [productDay.day, productDay.productId], set: addFigures }),
      rollups.productDays.size,
    ],
    [
      "shop_product_day",
      db
        .insert(shopProductDay)
        .select(json(rollupRows(rollups.shopProductDays), 8))
        .onConflictDoUpdate({
          target: [shopProductDay.day, shopProductDay.shopId, shopProductDay.productId],
          set: addFigures,
        }),
      rollups.shopProductDays.size,
    ],
    // In key order, so the B-tree takes them page by page.
    ["sales", db.insert(sales).select(sql`${json(saleRows, 9)} ORDER BY 1, 2`), saleRows.length],
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

/** A transaction's identity within a flush: sale or refund, shop, id (a buffered row too). */
export const keyOf = (r: readonly [...ChunkRow, ...unknown[]]) =>
  `${r[7] === null ? "s" : "r"}:${r[0]}:${r[1]}`;

/** The flush (`shard:seq`) that stored each of these transactions D1 has, by `keyOf`. */
async function storedBy(db: Db, rows: readonly ChunkRow[]): Promise<Map<string, string>> {
  const keys = (refund: boolean) =>
    JSON.stringify(rows.filter((r) => (r[7] !== null) === refund).map((r) => [r[0], r[1]]));
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
