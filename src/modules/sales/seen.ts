// The shard's memory of flushed client sale ids, for the `duplicate` answer. The request path
// asks a hash map in memory; only a hit (a retry, or a rare hash collision) is confirmed in
// D1. Flushes append the new hashes to a log in storage, in order: nothing on the request path
// inserts into an ever-growing index.

/** How long a flushed client id is remembered for the `duplicate` answer. */
export const SEEN_WINDOW_MS = 24 * 3600 * 1000;

/** FNV-1a over the key, folded to 52 bits: exact in a JavaScript number. */
export function saleKeyHash(shopId: number, saleId: string): number {
  const key = `${shopId}:${saleId}`;
  let lo = 0x811c9dc5;
  let hi = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    lo = Math.imul(lo ^ c, 0x01000193);
    hi = Math.imul(hi ^ c ^ (lo >>> 13), 0x85ebca6b);
  }
  return (hi >>> 0) * 2 ** 20 + ((lo >>> 0) & 0xfffff);
}

type LogRow = { h: number; at: number };

/** Hash → when it was flushed, mirrored from the `seen_hashes` log. */
export class SeenWindow {
  private readonly flushedAt = new Map<number, number>();

  constructor(private readonly sql: SqlStorage) {}

  /** On wake: the window's hashes from the log. */
  load(now: number) {
    this.prune(now);
    for (const row of this.sql.exec<LogRow>("SELECT h, at FROM seen_hashes ORDER BY seq")) {
      this.flushedAt.set(row.h, row.at);
    }
  }

  /** Whether a hash may be a flushed sale (to be confirmed: hashes can collide). */
  mayHave(hash: number): boolean {
    return this.flushedAt.has(hash);
  }

  /** Logs the hashes of flushed sales; call inside the flush's storage transaction. */
  record(hashes: readonly number[], now: number) {
    if (hashes.length === 0) return;
    this.sql.exec(
      "INSERT INTO seen_hashes (h, at) SELECT value, ? FROM json_each(?)",
      now,
      JSON.stringify(hashes),
    );
    for (const h of hashes) this.flushedAt.set(h, now);
  }

  /** Forgets what is older than the window, in storage and in memory. */
  prune(now: number) {
    const cutoff = now - SEEN_WINDOW_MS;
    const gone = this.sql.exec<LogRow>(
      "DELETE FROM seen_hashes WHERE at < ? RETURNING h, at",
      cutoff,
    );
    for (const row of gone) {
      // A later flush of the same key (after the window) keeps its own entry.
      if (this.flushedAt.get(row.h) === row.at) this.flushedAt.delete(row.h);
    }
  }

  get size(): number {
    return this.flushedAt.size;
  }
}
