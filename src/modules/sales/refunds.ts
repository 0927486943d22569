// A shard's refunds: each one is checked, inside the append's transaction, against what is left
// of its sale. The shard is the only writer of its shops' refunds, so its `refunded` ledger is
// the authority: concurrent refunds of one sale can never together exceed it.

import {
  type AppendStatus,
  addRefunded,
  type BufferInsert,
  type BufferWriter,
  bufferedSales,
  type IncomingRefund,
  type IncomingSale,
  type IncomingTransaction,
  type RefundableSale,
  refundedQuantity,
  transactionKey,
} from "./ingest-storage";

/**
 * A group's refunds, in their order, after its sales: a refund finds its sale in this group only
 * at an earlier place. Fills the refunds' statuses; returns how many were buffered. The group's
 * refunds go into the buffer together, as one row (a row each was two rows written a refund).
 */
export function bufferRefunds(
  sql: SqlStorage,
  buffer: BufferWriter,
  group: {
    incoming: readonly IncomingTransaction[];
    statuses: AppendStatus[];
    firstAt: Map<string, number>;
    sales: Map<string, RefundableSale>;
    flushed: { has(key: string): boolean };
    acceptedAt: number;
    skip: ReadonlySet<number>;
  },
): number {
  const rows: BufferInsert[] = [];
  const keys = new Set<string>();
  // The buffer as this group's refunds see it: what it holds, and the refunds before them.
  const pending: BufferWriter = {
    has: (key) => buffer.has(key) || keys.has(key),
    append: (more) => {
      for (const r of more) {
        rows.push(r);
        keys.add(transactionKey(r));
      }
    },
  };
  group.incoming.forEach((t, index) => {
    if (t.refundOf === null || group.skip.has(index)) return;
    const saleKey = `${t.shopId}:${t.refundOf}`;
    const inGroup = group.firstAt.get(saleKey);
    const sale =
      inGroup === undefined
        ? group.sales.get(saleKey)
        : inGroup < index
          ? (group.incoming[inGroup] as IncomingSale)
          : undefined;
    group.statuses[index] = appendRefund(sql, pending, t, sale, group.flushed, group.acceptedAt);
  });
  buffer.append(rows, group.acceptedAt);
  return rows.length;
}

/** One refund, inside the append's transaction: checked against what is left of its sale. */
function appendRefund(
  sql: SqlStorage,
  buffer: BufferWriter,
  refund: IncomingRefund,
  sale: RefundableSale | undefined,
  flushed: { has(key: string): boolean },
  acceptedAt: number,
): AppendStatus {
  const { shopId, saleId, refundOf } = refund;
  if (flushed.has(transactionKey(refund)) || buffer.has(transactionKey(refund))) return "duplicate";
  if (!sale) {
    return {
      code: "not_found",
      path: "sale_id",
      message: `shop ${shopId} has no sale ${refundOf}`,
    };
  }
  if (refund.soldAt < sale.soldAt) {
    return {
      code: "validation_failed",
      path: "refunded_at",
      message: `must not be before the sale (${new Date(sale.soldAt).toISOString()})`,
    };
  }
  const left = sale.quantity - refundedQuantity(sql, shopId, refundOf);
  const quantity = refund.quantity ?? left;
  if (left === 0 || quantity > left) {
    return {
      code: "conflict",
      path: "quantity",
      message: `${left} of the ${sale.quantity} sold ${left === 1 ? "is" : "are"} left to refund`,
    };
  }
  const row: BufferInsert = {
    shopId,
    saleId,
    refundOf,
    productId: sale.productId,
    quantity,
    unitPriceMinor: sale.unitPriceMinor,
    soldAt: refund.soldAt,
    businessDay: refund.businessDay,
    clientId: true,
  };
  buffer.append([row], acceptedAt);
  addRefunded(sql, shopId, refundOf, quantity);
  return "accepted";
}

/**
 * The sales a group's refunds name, from the buffer and then from D1. In that order: a flush
 * deletes a sale from the buffer only after D1 committed it, so one of the two reads sees it.
 */
export async function salesToRefund(
  sql: SqlStorage,
  d1: D1Database,
  incoming: IncomingTransaction[],
  flushed: { has(key: string): boolean },
  buffered: { has(key: string): boolean },
): Promise<Map<string, RefundableSale>> {
  const keys = incoming.flatMap((t): [number, string][] =>
    t.refundOf === null || flushed.has(transactionKey(t)) ? [] : [[t.shopId, t.refundOf]],
  );
  const found = bufferedSales(sql, keys, buffered);
  const missing = keys.filter(([shop, id]) => !found.has(`${shop}:${id}`));
  if (missing.length === 0) return found;
  const { results } = await d1
    .prepare(
      `SELECT s.shop_id || ':' || s.sale_id AS k, s.product_id AS p, s.quantity AS q,
              s.unit_price_minor AS u, s.sold_at AS t
       FROM json_each(?1) j JOIN sales s ON s.shop_id = j.value ->> '$[0]' AND s.sale_id = j.value ->> '$[1]'`,
    )
    .bind(JSON.stringify(missing))
    .all<{ k: string; p: number; q: number; u: number; t: number }>();
  for (const r of results)
    found.set(r.k, { productId: r.p, quantity: r.q, unitPriceMinor: r.u, soldAt: r.t });
  return found;
}
