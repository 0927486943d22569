// The shard's memory of flushed client sale ids, for the `duplicate` answer. The request path
// asks a hash map in memory; only a hit (a retry, or a rare hash collision) is confirmed in
// D1. Each flush appends its hashes to a log in storage as one row: nothing on the request path
// inserts into an ever-growing index, and a sale costs no row of its own here.

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

/** One flush's client ids in the log: one row per flush, the hashes as a JSON array. */
type LogRow = { seq: number; hashes: string };

/** How many flushed client ids the shards in one isolate remember at most, together. */
export const SEEN_ISOLATE_BUDGET = 1_000_000;

/** Windows that split one budget: the objects that live in one isolate. */
export type SeenShare = { budget: number; members: Set<string> };

// Objects of one class may share an isolate, and its module state with it: the windows that
// live here split one budget, so the fingerprints stay at ~30 MiB however many shards it holds.
// A member never leaves (an evicted shard may come back): the split errs on the small side.
const isolateShare: SeenShare = { budget: SEEN_ISOLATE_BUDGET, members: new Set() };

// The map is keyed by 30 bits of the hash, a V8 small integer: ~29 B an entry instead of ~61
// for a 52-bit key, so the budget costs ~30 MiB of the isolate's 128 MiB. The price is more
// hits to confirm in D1: ~1 in 1 000 new ids at the cap, one read for the append they're in.
const fingerprint = (hash: number) => hash % 2 ** 30;

/**
 * Fingerprint → how many logged hashes have it, mirrored from the `seen_flushes` log. The log
 * holds one row per flush (a row written per flush, not per sale: rows are what storage bills),
 * pruned by age (the window) and by count (the cap), oldest first.
 */
export class SeenWindow {
  private readonly counts = new Map<number, number>();
  private logged = 0;

  constructor(
    private readonly sql: SqlStorage,
    owner: string,
    private readonly share: SeenShare = isolateShare,
  ) {
    share.members.add(owner);
  }

  /** This window's part of its isolate's budget. */
  get cap(): number {
    return Math.floor(this.share.budget / this.share.members.size);
  }

  /**
   * On wake: the window's hashes from the log, newest first up to this window's part; the
   * expired and the surplus are dropped from the log, so memory never holds more than its part.
   */
  load(now: number) {
    this.sql.exec("DELETE FROM seen_flushes WHERE at < ?", now - SEEN_WINDOW_MS);
    const rows = this.sql
      .exec<LogRow>("SELECT seq, hashes FROM seen_flushes ORDER BY seq DESC")
      .toArray();
    let room = this.cap;
    for (const row of rows) {
      if (room === 0) {
        this.sql.exec("DELETE FROM seen_flushes WHERE seq <= ?", row.seq);
        break;
      }
      const hashes = JSON.parse(row.hashes) as number[];
      const kept = hashes.slice(Math.max(0, hashes.length - room));
      if (kept.length < hashes.length) this.rewrite(row.seq, kept);
      for (const h of kept) this.add(h);
      room -= kept.length;
    }
  }

  /** Whether a hash may be a flushed sale (to be confirmed: hashes can collide). */
  mayHave(hash: number): boolean {
    return this.counts.has(fingerprint(hash));
  }

  /** Logs the hashes of flushed sales; call inside the flush's storage transaction. */
  record(hashes: readonly number[], now: number) {
    if (hashes.length === 0) return;
    this.sql.exec(
      "INSERT INTO seen_flushes (at, n, hashes) VALUES (?, ?, ?)",
      now,
      hashes.length,
      JSON.stringify(hashes),
    );
    for (const h of hashes) this.add(h);
    this.trim();
  }

  /** Forgets the oldest entries past the cap (whole flushes, then the head of one), in both. */
  private trim() {
    let over = this.logged - this.cap;
    while (over > 0) {
      const oldest = this.sql
        .exec<LogRow>("SELECT seq, hashes FROM seen_flushes ORDER BY seq LIMIT 1")
        .toArray()[0];
      if (!oldest) return;
      const hashes = JSON.parse(oldest.hashes) as number[];
      const gone = hashes.slice(0, over);
      if (gone.length === hashes.length) {
        this.sql.exec("DELETE FROM seen_flushes WHERE seq = ?", oldest.seq);
      } else {
        this.rewrite(oldest.seq, hashes.slice(over));
      }
      this.forget(gone);
      over -= gone.length;
    }
  }

  /** Forgets what is older than the window, in storage and in memory. */
  prune(now: number) {
    for (const row of this.sql.exec<LogRow>(
      "DELETE FROM seen_flushes WHERE at < ? RETURNING seq, hashes",
      now - SEEN_WINDOW_MS,
    )) {
      this.forget(JSON.parse(row.hashes) as number[]);
    }
  }

  get size(): number {
    return this.logged;
  }

  private rewrite(seq: number, hashes: readonly number[]) {
    this.sql.exec(
      "UPDATE seen_flushes SET n = ?, hashes = ? WHERE seq = ?",
      hashes.length,
      JSON.stringify(hashes),
      seq,
    );
  }

  private add(hash: number) {
    const key = fingerprint(hash);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.logged++;
  }

  private forget(hashes: Iterable<number>) {
    for (const h of hashes) {
      const key = fingerprint(h);
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
      this.logged--;
    }
  }
}
