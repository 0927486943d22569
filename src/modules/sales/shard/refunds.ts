// A shard's refunds: each one is checked, inside the append's transaction, against what is left
// of its sale. The shard is the only writer of its shops' refunds, so its `refunded` ledger is
// the authority: concurrent refunds of one sale can never together exceed it.

import {
  type AppendStatus,
  type BufferInsert,
  type IncomingRefund,
  type IncomingSale,
  type IncomingTransaction,
  transactionKey,
} from "../core/transaction";
import type { BufferWriter } from "./buffer";

/** What a shard needs of a sale to refund it. */
export type RefundableSale = {
  productId: number;
  quantity: number;
  unitPriceMinor: number;
  soldAt: number;
};

/** How much of a sale this shard has accepted refunds for (buffered or flushed). */
function refundedQuantity(sql: SqlStorage, shopId: number, saleId: string): number {
  return (
    sql
      .exec<{ q: number }>(
        "SELECT quantity AS q FROM refunded WHERE shop_id = ? AND sale_id = ?",
        shopId,
        saleId,
      )
      .toArray()[0]?.q ?? 0
  );
}

function addRefunded(sql: SqlStorage, shopId: number, saleId: string, quantity: number) {
  sql.exec(
    `INSERT INTO refunded (shop_id, sale_id, quantity) VALUES (?, ?, ?)
     ON CONFLICT (shop_id, sale_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
    shopId,
    saleId,
    quantity,
  );
}

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
