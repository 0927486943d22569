// Transactions found by key, in a shard's buffer or in D1: what the append's look-ups, an id's
// reuse (docs/API.md#idempotency) and the read-back all ask.
import type { Line, RefundLine } from "./receipt";
import { type StoredTransaction, transactionKey } from "./transaction";

/** A transaction's row as the buffer and D1 queries select it: `lines` is its JSON. */
export type TransactionRow = {
  shop_id: number;
  sale_id: string;
  sold_at: number;
  business_day: string;
  refund_of: string | null;
  lines: string;
  discount_minor: number;
};

type Row = TransactionRow & { k: string };

export const toStored = (r: TransactionRow): StoredTransaction => {
  const common = {
    shopId: r.shop_id,
    saleId: r.sale_id,
    soldAt: r.sold_at,
    businessDay: r.business_day,
  };
  return r.refund_of === null
    ? {
        ...common,
        refundOf: null,
        lines: JSON.parse(r.lines) as Line[],
        discountMinor: r.discount_minor,
      }
    : {
        ...common,
        refundOf: r.refund_of,
        lines: JSON.parse(r.lines) as RefundLine[],
        discountMinor: 0,
      };
};

const byKey = (rows: Iterable<Row>) => new Map([...rows].map((r) => [r.k, toStored(r)]));

/** The columns of the shard's `buffer` view, as a transaction row. */
export const BUFFER_COLUMNS =
  "shop_id, sale_id, sold_at, business_day, refund_of, lines, discount_minor";

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

/** The columns of a stored sale, of a stored refund, and of a dead letter, as transaction rows. */
export const SALE_COLUMNS = (t: string) =>
  `${t}.shop_id, ${t}.sale_id, ${t}.sold_at, ${t}.business_day, NULL AS refund_of, ${t}.lines,
   ${t}.discount_minor`;
export const REFUND_COLUMNS = (t: string) =>
  `${t}.shop_id, ${t}.refund_id AS sale_id, ${t}.refunded_at AS sold_at, ${t}.business_day,
   ${t}.sale_id AS refund_of, ${t}.lines, 0 AS discount_minor`;
const DEAD_LETTER_COLUMNS = (t: string) =>
  `${t}.shop_id, ${t}.sale_id, ${t}.sold_at, ${t}.business_day, ${t}.refund_of, ${t}.lines,
   ${t}.discount_minor`;

/** Flushed (or set aside) transactions by `shop:id`: sales, refunds and dead letters. */
export async function storedInD1(
  d1: D1Database,
  keys: readonly [number, string][],
): Promise<Map<string, StoredTransaction>> {
  if (keys.length === 0) return new Map();
  const on = (table: string, id: string) =>
    `JOIN ${table} t ON t.shop_id = j.value ->> '$[0]' AND t.${id} = j.value ->> '$[1]'`;
  const { results } = await d1
    .prepare(
      `SELECT t.shop_id || ':' || t.sale_id AS k, ${SALE_COLUMNS("t")}
       FROM json_each(?1) j ${on("sales", "sale_id")}
       UNION ALL
       SELECT t.shop_id || ':' || t.refund_id, ${REFUND_COLUMNS("t")}
       FROM json_each(?1) j ${on("refunds", "refund_id")}
       UNION ALL
       SELECT t.shop_id || ':' || t.sale_id, ${DEAD_LETTER_COLUMNS("t")}
       FROM json_each(?1) j ${on("sales_dead_letters", "sale_id")}`,
    )
    .bind(JSON.stringify(keys))
    .all<Row>();
  return byKey(results);
}
