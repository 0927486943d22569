// An id names one transaction (docs/API.md#idempotency). The same id sent again with another
// body is refused (409 `idempotency_key_reused`, with the stored transaction), never a silent
// duplicate.

import { sameRequest } from "../core/same-request";
import { storedInBuffer } from "../core/stored";
import {
  type AppendStatus,
  type IncomingTransaction,
  type StoredTransaction,
  transactionKey,
} from "../core/transaction";

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
