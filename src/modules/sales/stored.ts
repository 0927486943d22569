// A transaction as the shard or D1 holds it: for the read-back and for the answer to an id sent
// again with another body (SPEC §4.2: 409 `idempotency_key_reused` with the stored transaction).
import { toMajor } from "../../lib/money";
import type { BufferedSale } from "./flush";

/** A sale, or a refund of `refundOf` (then `saleId` is the refund's own id). */
export type StoredTransaction = Omit<BufferedSale, "seq">;

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

/**
 * Buffered transactions by `shop:id`. `buffered` (the buffer's keys in memory) says which can
 * be there: only those are looked up, in one pass over the buffer's view.
 */
export function storedInBuffer(
  sql: SqlStorage,
  keys: readonly [number, string][],
  buffered: { has(key: string): boolean },
): Map<string, StoredTransaction> {
  const wanted = keys.map(([shop, id]) => `${shop}:${id}`).filter((k) => buffered.has(k));
  if (wanted.length === 0) return new Map();
  return byKey(
    sql.exec<Row>(
      `SELECT k, shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at,
              business_day, refund_of
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

/** The stored transaction as the API shows it. */
export function storedJson(t: StoredTransaction) {
  const at = new Date(t.soldAt).toISOString();
  const common = {
    id: t.saleId,
    shop_id: t.shopId,
    product_id: t.productId,
    quantity: t.quantity,
    unit_price: toMajor(t.unitPriceMinor),
    amount: toMajor(t.quantity * t.unitPriceMinor),
    business_day: t.businessDay,
  };
  return t.refundOf === null
    ? { type: "sale" as const, ...common, sold_at: at }
    : { type: "refund" as const, ...common, sale_id: t.refundOf, refunded_at: at };
}

/** The refunds of a sale that wait in a shard's buffer. */
export function bufferedRefundsOf(sql: SqlStorage, shopId: number, saleId: string) {
  return [
    ...sql.exec<Row>(
      `SELECT shop_id || ':' || sale_id AS k, shop_id, sale_id, product_id, quantity,
              unit_price_minor, sold_at, business_day, refund_of
       FROM buffer WHERE shop_id = ? AND refund_of = ?`,
      shopId,
      saleId,
    ),
  ].map(toStored);
}

/** The flushed refunds of a sale. */
export async function flushedRefundsOf(d1: D1Database, shopId: number, saleId: string) {
  const { results } = await d1
    .prepare(
      `SELECT shop_id || ':' || refund_id AS k, shop_id, refund_id AS sale_id, product_id,
              quantity, unit_price_minor, refunded_at AS sold_at, business_day, sale_id AS refund_of
       FROM refunds WHERE shop_id = ? AND sale_id = ? ORDER BY refunded_at, refund_id`,
    )
    .bind(shopId, saleId)
    .all<Row>();
  return results.map(toStored);
}

/**
 * One transaction and, for a sale, its refunds: the buffer is read before D1, since a flush
 * deletes from the buffer only after D1 committed; what both hold is taken once.
 */
export async function readTransaction(sql: SqlStorage, d1: D1Database, shopId: number, id: string) {
  const key: [number, string] = [shopId, id];
  const k = `${shopId}:${id}`;
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
