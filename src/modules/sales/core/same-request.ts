// Whether an id sent again asks for what is stored under it (docs/API.md#idempotency): the
// shard's reused-id check and the archive's answer for archived months ask the same.
import type { Line } from "./receipt";
import type {
  IncomingRefund,
  IncomingSale,
  IncomingTransaction,
  StoredRefund,
  StoredSale,
  StoredTransaction,
} from "./transaction";

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
