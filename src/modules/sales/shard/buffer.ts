// A shard's buffer, as storage bills it: one row per write (the transactions of one statement
// as a JSON array), not one per transaction, so a batch of 1 000 costs a row to buffer and a
// row to drop. The `buffer` view spreads the rows back out, one per transaction with its seq,
// for every reader; the keys of what is buffered live in memory, for the duplicate check a
// unique index used to make (an index entry per sale is a row written per sale).
import { BUFFER_COLUMNS, type TransactionRow, toStored } from "../core/stored";
import {
  type BufferedSale,
  type BufferInsert,
  type ChunkRow,
  chunkRow,
  keyOf,
} from "../core/transaction";
import type { FlushChunk } from "../flush";
import { saleKeyHash } from "./seen";

/** What the append path needs of the shard's buffer. */
export type BufferWriter = {
  has(key: string): boolean;
  append(rows: readonly BufferInsert[], acceptedAt: number): void;
};

/** A stored transaction: `chunkRow`'s seven fields, then client_id (1/0) and accepted_at. */
type StoredRow = [...ChunkRow, clientId: number, acceptedAt: number];
type AppendRow = { first_seq: number; n: number; rows: string };

/** A flush's stored JSON at most: half of D1's 2 MB a value, the rest for what D1 adds. */
export const FLUSH_BYTES = 1_000_000;

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
   * The oldest buffered transactions as a flush: whole writes, oldest first, until `limit` is
   * reached, or `maxBytes` of stored JSON (a flush sends its sales as one D1 value of ≤ 2 MB,
   * and 5 000 receipts of 100 lines would be ~15 MB). Null when nothing waits.
   */
  readChunk(limit: number, maxBytes = FLUSH_BYTES): FlushChunk | null {
    const picked: StoredRow[] = [];
    let firstSeq = 0;
    let bytes = 0;
    for (const append of this.sql.exec<AppendRow>(
      "SELECT first_seq, n, rows FROM buffer_appends ORDER BY first_seq",
    )) {
      if (
        picked.length > 0 &&
        (picked.length + append.n > limit || bytes + append.rows.length > maxBytes)
      )
        break;
      if (picked.length === 0) firstSeq = append.first_seq;
      bytes += append.rows.length;
      picked.push(...(JSON.parse(append.rows) as StoredRow[]));
    }
    if (picked.length === 0) return null;
    // The flush counts its sales from these rows: a key twice (never, while the keys in memory
    // guard the buffer) would count twice, so only its first place goes.
    const once = new Set<string>();
    const rows = picked.filter((r) => {
      const key = keyOf(r);
      return !once.has(key) && once.add(key) !== undefined;
    });
    return {
      firstSeq,
      lastSeq: firstSeq + picked.length - 1,
      count: picked.length,
      rows: rows.map((r) => r.slice(0, 7) as ChunkRow),
    };
  }

  /** The transactions up to `lastRow`, each with its seq. */
  private through(lastRow: number): { seq: number; row: StoredRow }[] {
    return this.sql
      .exec<AppendRow>(
        "SELECT first_seq, n, rows FROM buffer_appends WHERE first_seq <= ? ORDER BY first_seq",
        lastRow,
      )
      .toArray()
      .flatMap((a) =>
        (JSON.parse(a.rows) as StoredRow[])
          .map((row, i) => ({ seq: a.first_seq + i, row }))
          .filter((t) => t.seq <= lastRow),
      );
  }

  /** The hashes of the client ids up to `lastRow` (before they leave the buffer). */
  clientHashesThrough(lastRow: number): number[] {
    return this.through(lastRow)
      .filter((t) => t.row[7] === 1)
      .map((t) => saleKeyHash(t.row[0], t.row[1]));
  }

  /**
   * Drops the transactions up to `lastRow` (a flush has them in D1): whole rows, and the head of
   * the row it ends in. Returns how many left. Call inside the flush's storage transaction.
   */
  deleteThrough(lastRow: number): number {
    const gone = this.through(lastRow).map((t) => ({ k: `${t.row[0]}:${t.row[1]}` }));
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

/** When the oldest buffered transaction was accepted (null: nothing waits). */
export function oldestAcceptedAt(sql: SqlStorage): number | null {
  return (
    sql
      .exec<{ at: number }>("SELECT accepted_at AS at FROM buffer ORDER BY seq LIMIT 1")
      .toArray()[0]?.at ?? null
  );
}

/** A chunk's rows one by one, for the bisection of a flush D1 refused. */
export function readRows(sql: SqlStorage, chunk: FlushChunk): BufferedSale[] {
  return sql
    .exec<TransactionRow & { seq: number }>(
      `SELECT seq, ${BUFFER_COLUMNS} FROM buffer WHERE seq BETWEEN ? AND ? ORDER BY seq`,
      chunk.firstSeq,
      chunk.lastSeq,
    )
    .toArray()
    .map((r) => ({ seq: r.seq, ...toStored(r) }));
}
