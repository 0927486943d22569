// The append's store stage: one group inside the shard's storage transaction, in the order
// docs/API.md#idempotency and #terminals ask for: seqs a terminal already used for another id are
// refused; sales go in (in bulk); refunds, in order, against what is left of their sales; ids
// sent again with another body are refused; and the terminals' held seqs are recorded — all in
// one commit.

import {
  type AppendStatus,
  type IncomingSale,
  type IncomingTransaction,
  type StoredTransaction,
  transactionKey,
} from "../core/transaction";
import { recordTerminals, refuseReusedIds, refuseTakenSeqs } from "../terminals";
import type { BufferWriter } from "./buffer";
import { bufferRefunds, type RefundableSale } from "./refunds";

/** Stores a group; returns each transaction's status and how many rows the buffer gained. */
export function storeGroup(
  sql: SqlStorage,
  buffer: BufferWriter,
  group: {
    incoming: IncomingTransaction[];
    flushed: ReadonlyMap<string, StoredTransaction>;
    refunded: Map<string, RefundableSale>;
    acceptedAt: number;
  },
): { statuses: AppendStatus[]; added: number } {
  const { incoming, flushed, acceptedAt } = group;
  const taken = refuseTakenSeqs(sql, incoming, flushed, buffer);
  const skip = new Set(taken.keys());
  const { statuses, firstAt, added, late } = bufferSales(
    buffer,
    incoming,
    flushed,
    acceptedAt,
    skip,
  );
  let rows = added;
  rows += bufferRefunds(sql, buffer, {
    incoming,
    statuses,
    firstAt,
    sales: group.refunded,
    flushed,
    acceptedAt,
    skip,
  });
  for (const index of late) {
    const sale = incoming[index] as IncomingSale;
    if (!flushed.has(transactionKey(sale)) && bufferLateSale(buffer, sale, acceptedAt)) {
      statuses[index] = "accepted";
      rows++;
    }
  }
  refuseReusedIds(sql, incoming, statuses, flushed, buffer);
  for (const [index, refusal] of taken) statuses[index] = refusal;
  recordTerminals(sql, incoming, statuses, acceptedAt);
  return { statuses, added: rows };
}

/**
 * A group's sales into the buffer, as one row: a server-made id is new by construction; a
 * client's id that is not flushed is new unless it waits in the buffer already (or earlier in
 * this group). Refund places are left "duplicate" for the refunds to fill; `firstAt` is where
 * each new client sale first stands.
 */
function bufferSales(
  buffer: BufferWriter,
  incoming: readonly IncomingTransaction[],
  flushed: { has(key: string): boolean },
  acceptedAt: number,
  skip: ReadonlySet<number>,
): { statuses: AppendStatus[]; firstAt: Map<string, number>; added: number; late: number[] } {
  // A sale whose id an earlier refund of the group uses goes in after the refunds (`late`), so
  // the refund keeps the id it was sent with first. Rare: ids are unique per terminal.
  const refundIds = new Set<string>();
  const late: number[] = [];
  incoming.forEach((t, index) => {
    if (t.refundOf !== null) refundIds.add(transactionKey(t));
    else if (refundIds.has(transactionKey(t))) late.push(index);
  });
  const lateSet = new Set(late);
  const sales = incoming.filter(
    (t, index): t is IncomingSale => t.refundOf === null && !lateSet.has(index) && !skip.has(index),
  );
  const fresh = new Set<string>();
  const rows = sales.filter((s) => {
    if (!s.clientId) return true;
    const key = transactionKey(s);
    if (flushed.has(key) || buffer.has(key) || fresh.has(key)) return false;
    fresh.add(key);
    return true;
  });
  buffer.append(rows, acceptedAt);
  const added = rows.length;
  // A client's sale new in this group counts once, at its first place.
  const firstAt = new Map<string, number>();
  const statuses = incoming.map((t, index): AppendStatus => {
    if (t.refundOf !== null || lateSet.has(index) || skip.has(index)) return "duplicate";
    if (!t.clientId) return "accepted";
    if (!fresh.delete(transactionKey(t))) return "duplicate";
    firstAt.set(transactionKey(t), index);
    return "accepted";
  });
  return { statuses, firstAt, added, late };
}

/** A late sale of a group (see `bufferSales`), on its own: whether it went in. */
function bufferLateSale(buffer: BufferWriter, sale: IncomingSale, acceptedAt: number) {
  if (buffer.has(transactionKey(sale))) return false;
  buffer.append([sale], acceptedAt);
  return true;
}
