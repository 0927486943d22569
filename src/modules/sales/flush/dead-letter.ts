// The flush's isolate stage: the one transaction D1 refuses for its data, set aside.
import type { Db } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { salesDeadLetters, salesFlushLog } from "../core/schema";
import type { BufferedSale } from "../core/transaction";
import { chunkOf, type FlushResult, replayed } from "./flush";

/**
 * Sets one transaction aside that no flush can write, with the flush-log row of its seq, so that
 * a replay of this step is recognised like any other flush.
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
        soldAt: new Date(row.soldAt),
        lines: JSON.stringify(row.lines),
        discountMinor: row.discountMinor,
        businessDay: row.businessDay,
        refundOf: row.refundOf,
        error: error.slice(0, 500),
        setAsideAt: now,
      }),
    ]);
  } catch (e) {
    if (!isUniqueViolation(e, "sales_flush_log")) throw e;
    return replayed(db, shard, chunkOf([row]));
  }
  return { deltas: { shops: [], products: [] }, lastRow: row.seq, replayed: false };
}
