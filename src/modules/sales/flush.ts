import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { productMonthQuantity, sales, salesFlushLog, shopMonthRevenue } from "./schema";

export type BufferedSale = {
  seq: number;
  id: string;
  productId: number;
  shopId: number;
  quantity: number;
  unitPriceMinor: number;
  soldAt: number;
};

export type FlushDeltas = {
  shops: { shopId: number; month: string; revenueMinor: number }[];
  products: { productId: number; month: string; quantity: number }[];
};

// D1 binds at most 100 parameters per statement, so a multi-row VALUES list would need a
// statement per ~12 sales. The rows go as one JSON parameter (≤ 2 MB; a flush is ≤ 5 000
// sales, ~0.5 MB) into one INSERT … SELECT FROM json_each: one statement per flush.
function insertSales(db: Db, shard: number, seq: number, rows: BufferedSale[]) {
  const json = JSON.stringify(
    rows.map((r) => [r.id, r.productId, r.shopId, r.quantity, r.unitPriceMinor, r.soldAt]),
  );
  // Selected in the table's column order (the generated month excluded), as insert…select needs.
  return db
    .insert(sales)
    .select(
      sql`SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
                 value ->> '$[4]', value ->> '$[5]', ${shard}, ${seq}
          FROM json_each(${json}) WHERE true`,
    )
    .onConflictDoNothing();
}

function deltaQueries(db: Db, shard: number, seq: number) {
  const ofFlush = and(eq(sales.flushShard, shard), eq(sales.flushSeq, seq));
  return [
    db
      .select({
        shopId: sales.shopId,
        month: sql<string>`${sales.month}`,
        revenueMinor: sql<number>`sum(${sales.quantity} * ${sales.unitPriceMinor})`,
      })
      .from(sales)
      .where(ofFlush)
      .groupBy(sales.shopId, sales.month),
    db
      .select({
        productId: sales.productId,
        month: sql<string>`${sales.month}`,
        quantity: sql<number>`sum(${sales.quantity})`,
      })
      .from(sales)
      .where(ofFlush)
      .groupBy(sales.productId, sales.month),
  ] as const;
}

/**
 * Writes one flush to D1 in one batch (one transaction): the flush-log row, the sales, the
 * monthly rollups of exactly the rows this flush inserted, and
 * the deltas for the rankings. A replay of an applied flush fails on the flush-log key and rolls
 * back whole; the deltas are then read back from the rows that flush tagged.
 * Returns the deltas and the last buffer row the flush covered.
 */
export async function writeFlush(
  db: Db,
  shard: number,
  rows: BufferedSale[],
  now: Date,
): Promise<{ deltas: FlushDeltas; lastRow: number; replayed: boolean }> {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) throw new Error("empty flush");
  const seq = first.seq;
  const ofFlush = and(eq(sales.flushShard, shard), eq(sales.flushSeq, seq));
  const [shopDeltas, productDeltas] = deltaQueries(db, shard, seq);
  try {
    const results = await db.batch([
      db
        .insert(salesFlushLog)
        .values({ shard, seq, lastRow: last.seq, rows: rows.length, flushedAt: now }),
      insertSales(db, shard, seq, rows),
      db
        .insert(shopMonthRevenue)
        .select(
          db
            .select({
              shopId: sales.shopId,
              month: sql<string>`${sales.month}`.as("month"),
              revenueMinor: sql<number>`sum(${sales.quantity} * ${sales.unitPriceMinor})`.as(
                "revenue_minor",
              ),
            })
            .from(sales)
            .where(ofFlush)
            .groupBy(sales.shopId, sales.month),
        )
        .onConflictDoUpdate({
          target: [shopMonthRevenue.month, shopMonthRevenue.shopId],
          set: { revenueMinor: sql`${shopMonthRevenue.revenueMinor} + excluded.revenue_minor` },
        }),
      db
        .insert(productMonthQuantity)
        .select(
          db
            .select({
              productId: sales.productId,
              month: sql<string>`${sales.month}`.as("month"),
              quantity: sql<number>`sum(${sales.quantity})`.as("quantity"),
            })
            .from(sales)
            .where(ofFlush)
            .groupBy(sales.productId, sales.month),
        )
        .onConflictDoUpdate({
          target: [productMonthQuantity.month, productMonthQuantity.productId],
          set: { quantity: sql`${productMonthQuantity.quantity} + excluded.quantity` },
        }),
      shopDeltas,
      productDeltas,
    ]);
    const shops = results.at(-2) as FlushDeltas["shops"];
    const products = results.at(-1) as FlushDeltas["products"];
    return { deltas: { shops, products }, lastRow: last.seq, replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  // Already applied (the DO stopped between the D1 commit and its buffer delete).
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
