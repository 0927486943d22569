// Archived transactions found by key (docs/ARCHIVE.md#reading-it-back): the parts whose key
// range holds (shop, id), at most one a month and kind, read by ranges from R2.
import { type StoredRefund, type StoredTransaction, transactionKey } from "../core/transaction";
import { type ArchiveKind, findInPart, r2File, refundsOfInPart } from "./parquet";

type PartRow = { key: string; kind: ArchiveKind; bytes: number };

/** The recorded parts (of a kind, or both) whose key range holds (shop, id). */
async function partsHolding(d1: D1Database, shopId: number, id: string, kind?: ArchiveKind) {
  const { results } = await d1
    .prepare(
      `SELECT key, kind, bytes FROM archive_files
       WHERE (?1, ?2) BETWEEN (first_shop, first_id) AND (last_shop, last_id)
         AND (?3 IS NULL OR kind = ?3)`,
    )
    .bind(shopId, id, kind ?? null)
    .all<PartRow>();
  return results;
}

/** Archived receipts and refunds by `shop:id`; keys in no part's range cost one D1 read. */
export async function storedInArchive(
  env: { DB: D1Database; ARCHIVE: R2Bucket },
  keys: readonly [number, string][],
  kind?: ArchiveKind,
): Promise<Map<string, StoredTransaction>> {
  const found = new Map<string, StoredTransaction>();
  for (const [shopId, id] of keys) {
    for (const part of await partsHolding(env.DB, shopId, id, kind)) {
      const file = r2File(env.ARCHIVE, part.key, part.bytes);
      for (const t of await findInPart(part.kind, file, shopId, [id]))
        found.set(transactionKey(t), t);
    }
  }
  return found;
}

/** The archived refunds of one receipt: refund parts of its month and after, of its shop. */
export async function archivedRefundsOf(
  env: { DB: D1Database; ARCHIVE: R2Bucket },
  shopId: number,
  saleId: string,
  businessDay: string,
): Promise<StoredRefund[]> {
  const { results } = await env.DB.prepare(
    `SELECT key, kind, bytes FROM archive_files
     WHERE kind = 'refunds' AND month >= ?1 AND ?2 BETWEEN first_shop AND last_shop`,
  )
    .bind(businessDay.slice(0, 7), shopId)
    .all<PartRow>();
  const refunds: StoredRefund[] = [];
  for (const part of results)
    refunds.push(
      ...(await refundsOfInPart(r2File(env.ARCHIVE, part.key, part.bytes), shopId, saleId)),
    );
  return refunds;
}
