// Transactions found by key, in a shard's buffer or in D1: what the append's look-ups, an id's
// reuse (docs/API.md#idempotency) and the read-back all ask.
import { type StoredTransaction, transactionKey } from "./transaction";

/** A transaction's row as the buffer and D1 queries select it. */
export type TransactionRow = {
  shop_id: number;
  sale_id: string;
  product_id: number;
  quantity: number;
  unit_price_minor: number;
  sold_at: number;
  business_day: string;
  refund_of: string | null;
};

type Row = TransactionRow & { k: string };

export const toStored = (r: TransactionRow): StoredTransaction => ({
  shopId: r.shop_id,
  saleId: r.sale_id,
  productId: r.product_id,
  quantity: r.quantity,
  unitPriceMinor: r.unit_price_minor,
  soldAt: r.sold_at,
  businessDay: r.business_day,
  refundOf: r.refund_of,
});

const byKey = (rows: Iterable<Row>) => new Map([...rows].map((r) => [r.k, toStored(r)]));

/** The columns of the shard's `buffer` view, as a transaction row. */
const BUFFER_COLUMNS = `shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at,
  business_day, refund_of`;

/**
 * Buffered transactions by `shop:id`. `buffered` (the buffer's keys in memory) says which can
 * be there: only those are looked up, in one pass over the buffer's view.
 */
export function storedInBuffer(
  sql: SqlStorage,
  keys: readonly [number, string][],
  buffered: { has(key: string): boolean },
): Map<string, StoredTransaction> {
  const wanted = keys
    .map(([shopId, saleId]) => transactionKey({ shopId, saleId }))
    .filter((k) => buffered.has(k));
  if (wanted.length === 0) return new Map();
  return byKey(
    sql.exec<Row>(
      `SELECT k, ${BUFFER_COLUMNS}
       FROM (SELECT shop_id || ':' || sale_id AS k, * FROM buffer)
       WHERE k IN (SELECT value FROM json_each(?))`,
      JSON.stringify(wanted),
    ),
  );
}

/** Flushed (or set aside) transactions by `shop:id`: sales, refunds and dead letters. */
export async function storedInD1(
  d1: D1Database,
  keys: readonly [number, string][],
): Promise<Map<string, StoredTransaction>> {
  if (keys.length === 0) return new Map();
  const on = (t: string, id: string) =>
    `JOIN ${t} t ON t.shop_id = j.value ->> '$[0]' AND t.${id} = j.value ->> '$[1]'`;
  const { results } = await d1
    .prepare(
      `SELECT t.shop_id || ':' || t.sale_id AS k, t.shop_id, t.sale_id, t.product_id, t.quantity,
              t.unit_price_minor, t.sold_at, t.business_day, NULL AS refund_of
       FROM json_each(?1) j ${on("sales", "sale_id")}
       UNION ALL
       SELECT t.shop_id || ':' || t.refund_id, t.shop_id, t.refund_id, t.product_id, t.quantity,
              t.unit_price_minor, t.refunded_at, t.business_day, t.sale_id
       FROM json_each(?1) j ${on("refunds", "refund_id")}
       UNION ALL
       SELECT t.shop_id || ':' || t.sale_id, t.shop_id, t.sale_id, t.product_id, t.quantity,
              t.unit_price_minor, t.sold_at, t.business_day, t.refund_of
       FROM json_each(?1) j ${on("sales_dead_letters", "sale_id")}`,
    )
    .bind(JSON.stringify(keys))
    .all<Row>();
  return byKey(results);
}
