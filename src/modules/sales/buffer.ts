// A shard's buffer, as storage bills it: one row per write (the transactions of one statement
// as a JSON array), not one per transaction, so a batch of 1 000 costs a row to buffer and a
// row to drop. The `buffer` view spreads the rows back out, one per transaction with its seq,
// for every reader; the keys of what is buffered live in memory, for the duplicate check a
// unique index used to make (an index entry per sale is a row written per sale).
import { chunkRow } from "./flush";
import type { BufferInsert } from "./ingest-storage";

export class ShardBuffer {
  private readonly keys = new Set<string>();
  private nextSeq = 1;

  constructor(private readonly sql: SqlStorage) {}

  /** On wake: the keys of the buffered transactions, and the next seq (never reused). */
  load() {
    this.keys.clear();
    for (const row of this.sql.exec<{ k: string }>(
      "SELECT shop_id || ':' || sale_id AS k FROM buffer",
    )) {
      this.keys.add(row.k);
    }
    const next = this.sql
      .exec<{ next: number }>(
        `SELECT max(coalesce((SELECT value FROM meta WHERE key = 'next_seq'), 1),
                coalesce((SELECT max(first_seq + n) FROM buffer_appends), 1)) AS next`,
      )
      .one().next;
    this.nextSeq = next;
  }

  /** Whether `shop:id` waits here (a sale's or a refund's). */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Buffers transactions as one row; the caller has checked they are new. */
  append(rows: readonly BufferInsert[], acceptedAt: number) {
    if (rows.length === 0) return;
    this.sql.exec(
      "INSERT INTO buffer_appends (first_seq, n, rows) VALUES (?, ?, ?)",
      this.nextSeq,
      rows.length,
      JSON.stringify(rows.map((r) => [...chunkRow(r), r.clientId ? 1 : 0, acceptedAt])),
    );
    this.nextSeq += rows.length;
    for (const r of rows) this.keys.add(`${r.shopId}:${r.saleId}`);
  }

  /**
   * Drops the transactions up to `lastRow` (a flush has them in D1): whole rows, and the head of
   * the row it ends in. Returns how many left. Call inside the flush's storage transaction.
   */
  deleteThrough(lastRow: number): number {
    const gone = this.sql
      .exec<{ k: string }>(
        "SELECT shop_id || ':' || sale_id AS k FROM buffer WHERE seq <= ?",
        lastRow,
      )
      .toArray();
    this.sql.exec("DELETE FROM buffer_appends WHERE first_seq + n - 1 <= ?", lastRow);
    this.sql.exec(
      `UPDATE buffer_appends
       SET rows = (SELECT json_group_array(json(value)) FROM json_each(rows) WHERE key > ?1 - first_seq),
           n = first_seq + n - 1 - ?1, first_seq = ?1 + 1
       WHERE first_seq <= ?1 AND first_seq + n - 1 > ?1`,
      lastRow,
    );
    // The next seq survives an empty buffer: a flush is named by its first seq, once.
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('next_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      this.nextSeq,
    );
    for (const row of gone) this.keys.delete(row.k);
    return gone.length;
  }
}
