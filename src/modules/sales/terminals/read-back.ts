// The read-back of one transaction (docs/API.md#read-back): after an ambiguous network failure a
// terminal learns whether its transaction was stored. Runs inside the shard of the shop.
import { storedInBuffer, storedInD1, type TransactionRow, toStored } from "../core/stored";
import { transactionKey } from "../core/transaction";

const REFUND_COLUMNS = `shop_id, sale_id, product_id, quantity,
  unit_price_minor, sold_at, business_day, refund_of`;

/** The refunds of a sale that wait in a shard's buffer. */
function bufferedRefundsOf(sql: SqlStorage, shopId: number, saleId: string) {
  return [
    ...sql.exec<TransactionRow>(
      `SELECT ${REFUND_COLUMNS} FROM buffer WHERE shop_id = ? AND refund_of = ?`,
      shopId,
      saleId,
    ),
  ].map(toStored);
}

/** The flushed refunds of a sale. */
async function flushedRefundsOf(d1: D1Database, shopId: number, saleId: string) {
  const { results } = await d1
    .prepare(
      `SELECT shop_id, refund_id AS sale_id, product_id, quantity, unit_price_minor,
              refunded_at AS sold_at, business_day, sale_id AS refund_of
       FROM refunds WHERE shop_id = ? AND sale_id = ? ORDER BY refunded_at, refund_id`,
    )
    .bind(shopId, saleId)
    .all<TransactionRow>();
  return results.map(toStored);
}

/**
 * One transaction and, for a sale, its refunds: the buffer is read before D1, since a flush
 * deletes from the buffer only after D1 committed; what both hold is taken once.
 */
export async function readTransaction(sql: SqlStorage, d1: D1Database, shopId: number, id: string) {
  const key: [number, string] = [shopId, id];
  const k = transactionKey({ shopId, saleId: id });
  // A read-back (rare): one pass over the buffer, without the keys in memory.
  const buffered = storedInBuffer(sql, [key], { has: () => true }).get(k);
  const refundsBuffered = bufferedRefundsOf(sql, shopId, id);
  const stored = buffered ?? (await storedInD1(d1, [key])).get(k);
  if (!stored || stored.refundOf !== null) return { stored: stored ?? null, refunds: [] };
  const refunds = new Map(refundsBuffered.map((r) => [r.saleId, r]));
  for (const r of await flushedRefundsOf(d1, shopId, id))
    if (!refunds.has(r.saleId)) refunds.set(r.saleId, r);
  return { stored, refunds: [...refunds.values()].sort((a, b) => a.soldAt - b.soldAt) };
}
