// An id names one transaction (docs/API.md#idempotency). The same id sent again with another
// body is refused (409 `idempotency_key_reused`, with the stored transaction), never a silent
// duplicate.

import type { Line } from "../core/receipt";
import { storedInBuffer } from "../core/stored";
import {
  type AppendStatus,
  type IncomingRefund,
  type IncomingSale,
  type IncomingTransaction,
  type StoredRefund,
  type StoredSale,
  type StoredTransaction,
  transactionKey,
} from "../core/transaction";

/** Whether a receipt sent again asks for what is stored: lines, discounts and tax alike. */
function sameSale(incoming: IncomingSale, stored: StoredSale): boolean {
  if (incoming.discountMinor !== stored.discountMinor) return false;
  if (incoming.lines.length !== stored.lines.length) return false;
  return incoming.lines.every((l, i) => {
    const s = stored.lines[i] as Line;
    const price = !incoming.pricesSent[i] || l[2] === s[2];
    return price && l[0] === s[0] && l[1] === s[1] && l[3] === s[3] && l[5] === s[5];
  });
}

/** Whether a refund sent again asks for what is stored: the same lines and quantities. */
function sameRefund(incoming: IncomingRefund, stored: StoredRefund): boolean {
  if (incoming.refundOf !== stored.refundOf) return false;
  const held = new Map(stored.lines.map(([line, , quantity]) => [line, quantity]));
  if (incoming.lines !== null) {
    return (
      incoming.lines.length === held.size &&
      incoming.lines.every(
        (a) => held.has(a.line) && (a.quantity ?? held.get(a.line)) === held.get(a.line),
      )
    );
  }
  if (incoming.quantity === null) return true;
  const total = stored.lines.reduce((n, l) => n + l[2], 0);
  return held.size === 1 && held.has(1) && total === incoming.quantity;
}

/**
 * Whether a transaction sent again asks for what is stored. Fields the client left to their
 * defaults (the time, a line's unit price, a refund's quantities) match whatever was stored for
 * them.
 */
export function sameRequest(incoming: IncomingTransaction, stored: StoredTransaction): boolean {
  if (incoming.atSent && incoming.soldAt !== stored.soldAt) return false;
  if (incoming.refundOf === null) return stored.refundOf === null && sameSale(incoming, stored);
  return stored.refundOf !== null && sameRefund(incoming, stored);
}

/**
 * Turns each `duplicate` whose body differs from the stored transaction into a refusal that
 * carries the stored one: an id is never silently a duplicate of something else. Runs inside
 * the append's transaction, after the group's own inserts (so a repeat within the group is
 * compared with its first place).
 */
export function refuseReusedIds(
  sql: SqlStorage,
  incoming: readonly IncomingTransaction[],
  statuses: AppendStatus[],
  flushed: ReadonlyMap<string, StoredTransaction>,
  inBuffer: { has(key: string): boolean },
) {
  const repeats = incoming.flatMap((_, index) => (statuses[index] === "duplicate" ? [index] : []));
  if (repeats.length === 0) return;
  const buffered = storedInBuffer(
    sql,
    repeats.flatMap((index) => {
      const t = incoming[index];
      return t && !flushed.has(transactionKey(t)) ? [[t.shopId, t.saleId] as [number, string]] : [];
    }),
    inBuffer,
  );
  for (const index of repeats) {
    const t = incoming[index] as IncomingTransaction;
    const key = transactionKey(t);
    const stored = flushed.get(key) ?? buffered.get(key);
    if (stored && !sameRequest(t, stored)) {
      statuses[index] = {
        code: "idempotency_key_reused",
        path: "id",
        message: `shop ${t.shopId} already has a different ${stored.refundOf === null ? "sale" : "refund"} ${t.saleId}`,
        stored,
      };
    }
  }
}
