// The read-back of one transaction (docs/API.md#read-back): after an ambiguous network failure a
// terminal learns whether its transaction was stored. Runs inside the shard of the shop.
import { type Currency, toMajor } from "../../../lib/money";
import { archivedRefundsOf, storedInArchive } from "../archive";
import { shardOf, shardStub } from "../core/shards";
import {
  BUFFER_COLUMNS,
  REFUND_COLUMNS,
  storedInBuffer,
  storedInD1,
  type TransactionRow,
  toStored,
} from "../core/stored";
import {
  type StoredRefund,
  type StoredSale,
  type StoredTransaction,
  transactionKey,
} from "../core/transaction";
import { refundJson, saleJson } from "../core/wire";

/** The refunds of a sale that wait in a shard's buffer. */
function bufferedRefundsOf(sql: SqlStorage, shopId: number, saleId: string) {
  return [
    ...sql.exec<TransactionRow>(
      `SELECT ${BUFFER_COLUMNS} FROM buffer WHERE shop_id = ? AND refund_of = ?`,
      shopId,
      saleId,
    ),
  ].map(toStored) as StoredRefund[];
}

/** The flushed refunds of a sale. */
async function flushedRefundsOf(d1: D1Database, shopId: number, saleId: string) {
  const { results } = await d1
    .prepare(
      `SELECT ${REFUND_COLUMNS("r")} FROM refunds r
       WHERE r.shop_id = ? AND r.sale_id = ? ORDER BY r.refunded_at, r.refund_id`,
    )
    .bind(shopId, saleId)
    .all<TransactionRow>();
  return results.map(toStored) as StoredRefund[];
}

/**
 * One transaction and, for a sale, its refunds: the buffer is read before D1, since a flush
 * deletes from the buffer only after D1 committed; what both hold is taken once.
 */
export async function readTransaction(sql: SqlStorage, d1: D1Database, shopId: number, id: string) {
  const key: [number, string] = [shopId, id];
  const k = transactionKey({ shopId, saleId: id });
  // A read-back (rare): one pass over the buffer, without the keys in memory.
  const buffered = storedInBuffer(sql, [key], { has: () => true }).get(k);
  const refundsBuffered = bufferedRefundsOf(sql, shopId, id);
  const stored = buffered ?? (await storedInD1(d1, [key])).get(k);
  if (stored?.refundOf) return { stored, refunds: [] };
  // Not here at all: the refunds are still read, for a receipt the archive holds.
  const refunds = new Map(refundsBuffered.map((r) => [r.saleId, r]));
  for (const r of await flushedRefundsOf(d1, shopId, id))
    if (!refunds.has(r.saleId)) refunds.set(r.saleId, r);
  return { stored: stored ?? null, refunds: [...refunds.values()].sort(bySoldAt) };
}

const bySoldAt = (a: StoredRefund, b: StoredRefund) => a.soldAt - b.soldAt;

export type ReadBack = {
  stored: StoredTransaction | null;
  refunds: StoredRefund[];
  archived: boolean;
};

/**
 * One transaction of a shop read back through its shard (docs/API.md#read-back), else from the
 * archive (docs/ARCHIVE.md#reading-it-back) with its refunds in D1 and in the archive.
 */
export async function readBack(env: Env, shopId: number, id: string): Promise<ReadBack> {
  // Tuples (a receipt's lines) cross the RPC typed as arrays: the shard sent these.
  const read = (await shardStub(env, shardOf(shopId)).transaction(shopId, id)) as unknown as Omit<
    ReadBack,
    "archived"
  >;
  if (read.stored) return { ...read, archived: false };
  const stored = (await storedInArchive(env, [[shopId, id]])).get(
    transactionKey({ shopId, saleId: id }),
  );
  if (!stored) return { stored: null, refunds: [], archived: false };
  if (stored.refundOf !== null) return { stored, refunds: [], archived: true };
  const refunds = new Map(read.refunds.map((r) => [r.saleId, r]));
  for (const r of await archivedRefundsOf(env, shopId, id, stored.businessDay))
    if (!refunds.has(r.saleId)) refunds.set(r.saleId, r);
  return { stored, refunds: [...refunds.values()].sort(bySoldAt), archived: true };
}

/** A receipt with what was refunded of each line, and its refunds; a refund as it is. */
export function readBackJson(
  read: { stored: StoredTransaction; refunds: StoredRefund[] },
  currency: Currency,
) {
  const { stored, refunds } = read;
  return stored.refundOf !== null
    ? refundJson(stored, currency)
    : receiptJson(stored, refunds, currency);
}

/** A receipt with what was refunded of each line, and its refunds. */
export function receiptJson(
  sale: StoredSale,
  refunds: readonly StoredRefund[],
  currency: Currency,
) {
  const json = saleJson(sale, currency);
  const units = sale.lines.map(() => 0);
  const net = sale.lines.map(() => 0);
  for (const r of refunds) {
    for (const [line, , quantity, netMinor] of r.lines) {
      units[line - 1] = (units[line - 1] ?? 0) + quantity;
      net[line - 1] = (net[line - 1] ?? 0) + netMinor;
    }
  }
  const refunded = units.reduce((a, b) => a + b, 0);
  return {
    ...json,
    lines: json.lines.map((l, i) => ({
      ...l,
      refunded_quantity: units[i] ?? 0,
      refunded_net: toMajor(net[i] ?? 0, currency.exponent),
    })),
    refunds: refunds.map((r) => refundJson(r, currency)),
    left_to_refund: json.quantity - refunded,
  };
}
