// Archived transactions found by key (docs/ARCHIVE.md#reading-it-back): the parts whose key
// range holds (shop, id), at most one a month and kind, read by ranges from R2.
import { type StoredRefund, type StoredTransaction, transactionKey } from "../core/transaction";
import type { ArchiveKind } from "./parquet";
import { findInPart, r2File, refundsOfInPart, shopRowsInPart } from "./parquet-read";

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
  // The keys at once: a batch of late sales must not wait for one look-up after another.
  const found = await Promise.all(
    keys.map(async ([shopId, id]) => {
      const parts = await partsHolding(env.DB, shopId, id, kind);
      const rows = await Promise.all(
        parts.map((p) => findInPart(p.kind, r2File(env.ARCHIVE, p.key, p.bytes), shopId, [id])),
      );
      return rows.flat();
    }),
  );
  return new Map(found.flat().map((t) => [transactionKey(t), t]));
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

const STAGE_ROWS = 2_000;
const STAGE = {
  sales: `INSERT INTO rebucket_archived_sales (shop_id, sale_id, business_day, lines)
    SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) j
    WHERE NOT EXISTS (SELECT 1 FROM sales s WHERE s.shop_id = j.value ->> 0 AND s.sale_id = j.value ->> 1)
    ON CONFLICT DO UPDATE SET business_day = excluded.business_day`,
  refunds: `INSERT INTO rebucket_archived_refunds (shop_id, refund_id, business_day, lines)
    SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) j
    WHERE NOT EXISTS (SELECT 1 FROM refunds r WHERE r.shop_id = j.value ->> 0 AND r.refund_id = j.value ->> 1)
    ON CONFLICT DO UPDATE SET business_day = excluded.business_day`,
};

/**
 * Stages a shop's archived transactions with the days of `dayOf` for its re-bucketing: a row
 * D1 still holds (a month between its check and its delete) is counted from D1, not twice.
 */
export async function stageArchivedOfShop(
  env: { DB: D1Database; ARCHIVE: R2Bucket },
  shopId: number,
  dayOf: (at: number) => string,
): Promise<number> {
  const { results } = await env.DB.prepare(
    "SELECT key, kind, bytes FROM archive_files WHERE ?1 BETWEEN first_shop AND last_shop",
  )
    .bind(shopId)
    .all<PartRow>();
  let staged = 0;
  for (const part of results) {
    const rows = await shopRowsInPart(part.kind, r2File(env.ARCHIVE, part.key, part.bytes), shopId);
    const values = rows.map((t) => [t.shopId, t.saleId, dayOf(t.soldAt), JSON.stringify(t.lines)]);
    const statements = [];
    for (let i = 0; i < values.length; i += STAGE_ROWS)
      statements.push(
        env.DB.prepare(STAGE[part.kind]).bind(JSON.stringify(values.slice(i, i + STAGE_ROWS))),
      );
    if (statements.length > 0) await env.DB.batch(statements);
    staged += rows.length;
  }
  return staged;
}
