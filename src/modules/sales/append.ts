// One append group inside the shard's transaction, in the order SPEC §4.2 asks for: seqs a
// terminal already used for another id are refused; sales go in (in bulk); refunds, in order,
// against what is left of their sales; ids sent again with another body are refused; and the
// terminals' held seqs are recorded — all in one commit.

import {
  type AppendStatus,
  type BufferWriter,
  bufferLateSale,
  bufferSales,
  type IncomingSale,
  type IncomingTransaction,
  type RefundableSale,
  transactionKey,
} from "./ingest-storage";
import { bufferRefunds } from "./refunds";
import { refuseReusedIds } from "./reused-ids";
import type { StoredTransaction } from "./stored";
import { recordTerminals, refuseTakenSeqs } from "./terminals";

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
