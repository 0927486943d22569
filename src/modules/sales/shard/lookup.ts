// The append's look-up stage: what a group needs from D1 before its storage transaction.
import { storedInArchive } from "../archive";
import type { Line } from "../core/receipt";
import { storedInBuffer, storedInD1 } from "../core/stored";
import {
  type IncomingTransaction,
  type StoredTransaction,
  transactionKey,
} from "../core/transaction";
import type { RefundableSale } from "./refunds";
import { type SeenWindow, saleKeyHash } from "./seen";

/** Client transactions the window may hold that `asked` has not looked up yet. */
function suspectsOf(
  seen: SeenWindow,
  incoming: readonly IncomingTransaction[],
  asked: ReadonlySet<string>,
) {
  return incoming.filter(
    (t) =>
      t.clientId && !asked.has(transactionKey(t)) && seen.mayHave(saleKeyHash(t.shopId, t.saleId)),
  );
}

/**
 * The sales a group's refunds name, from the buffer, then D1, then the archive. In that order: a
 * flush deletes a sale from the buffer only after D1 committed it, and the archive deletes it
 * from D1 only after its part was checked, so one of the reads sees it.
 */
async function salesToRefund(
  shard: {
    sql: SqlStorage;
    d1: D1Database;
    archive: R2Bucket;
    buffered: { has(key: string): boolean };
  },
  incoming: readonly IncomingTransaction[],
  flushed: { has(key: string): boolean },
  found: Map<string, RefundableSale>,
) {
  const keys = incoming.flatMap((t): [number, string][] =>
    t.refundOf === null || flushed.has(transactionKey(t)) ? [] : [[t.shopId, t.refundOf]],
  );
  for (const [key, t] of storedInBuffer(shard.sql, keys, shard.buffered))
    if (t.refundOf === null) found.set(key, { soldAt: t.soldAt, lines: t.lines });
  const missing = keys.filter(([shopId, saleId]) => !found.has(transactionKey({ shopId, saleId })));
  if (missing.length === 0) return;
  // Flushed sales only: a sale set aside in the dead letters is not counted, so not refundable.
  const { results } = await shard.d1
    .prepare(
      `SELECT s.shop_id || ':' || s.sale_id AS k, s.lines, s.sold_at AS t
       FROM json_each(?1) j JOIN sales s ON s.shop_id = j.value ->> '$[0]' AND s.sale_id = j.value ->> '$[1]'`,
    )
    .bind(JSON.stringify(missing))
    .all<{ k: string; lines: string; t: number }>();
  for (const r of results) found.set(r.k, { soldAt: r.t, lines: JSON.parse(r.lines) as Line[] });
  // Not in D1: a receipt of an archived month is read from its part in R2 (rare, a few reads).
  const archived = missing.filter(
    ([shopId, saleId]) => !found.has(transactionKey({ shopId, saleId })),
  );
  if (archived.length === 0) return;
  const env = { DB: shard.d1, ARCHIVE: shard.archive };
  for (const [key, t] of await storedInArchive(env, archived, "sales"))
    if (t.refundOf === null) found.set(key, { soldAt: t.soldAt, lines: t.lines });
}

/**
 * The client ids of a group that a flush stored already (the window of flushed ids says which
 * may be, D1 confirms: a retry, or a rare hash collision; a server-made id is never looked up),
 * and the sales its refunds name. A flush that commits during these awaits moves ids from the
 * buffer into the window; such an id is then in neither where the first look-up looked, so the
 * look-up runs again for what the window gained until nothing is new. The caller's storage
 * transaction must follow with no await in between: then what was seen is what is stored.
 */
export async function lookUp(
  shard: {
    sql: SqlStorage;
    d1: D1Database;
    archive: R2Bucket;
    seen: SeenWindow;
    buffered: { has(key: string): boolean };
  },
  incoming: readonly IncomingTransaction[],
) {
  const asked = new Set<string>();
  const flushed = new Map<string, StoredTransaction>();
  const refunded = new Map<string, RefundableSale>();
  for (let suspects = suspectsOf(shard.seen, incoming, asked); ; ) {
    for (const t of suspects) asked.add(transactionKey(t));
    const keys = suspects.map((t): [number, string] => [t.shopId, t.saleId]);
    for (const [key, t] of await storedInD1(shard.d1, keys)) flushed.set(key, t);
    await salesToRefund(shard, incoming, flushed, refunded);
    suspects = suspectsOf(shard.seen, incoming, asked);
    if (suspects.length === 0) return { flushed, refunded };
  }
}
