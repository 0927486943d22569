import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { isDataError } from "../../db/errors";
import { errorFields, log } from "../../lib/log";
import { migrateStorage } from "../../platform/durable/migrate";
import { type BufferedSale, type FlushResult, writeDeadLetter, writeFlush } from "./flush";
import { rankingsStub } from "./rankings-do";

export type IncomingSale = Omit<BufferedSale, "seq">;
export type AppendStatus = "accepted" | "duplicate";

// Flush ~0.5 s after the first buffered sale, or at once past FLUSH_ROWS: with a 1 s report
// cache this keeps reports within the 2 s staleness bound.
export const FLUSH_DELAY_MS = 500;
const FLUSH_ROWS = 5_000;
const RETRY_DELAY_MS = 5_000;
// Sale ids are remembered this long for the `duplicate` answer; an older retry is still
// stored once (D1's unique (shop_id, sale_id)), only answered `accepted`.
export const SEEN_RETENTION_MS = 30 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;

const MIGRATIONS = [
  // v1: the first release's layout (ids unique per shard).
  [
    `CREATE TABLE IF NOT EXISTS buffer (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, product_id INTEGER NOT NULL,
      shop_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,
      sold_at INTEGER NOT NULL)`,
    "CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, accepted_at INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
  ],
  // v2: a sale is (shop_id, sale_id). Old `seen` ids carry no shop: only the buffered ones are
  // kept; a retry of an older sale is still stored once by D1's unique key.
  [
    "ALTER TABLE buffer RENAME COLUMN id TO sale_id",
    "DROP TABLE seen",
    `CREATE TABLE seen (shop_id INTEGER NOT NULL, sale_id TEXT NOT NULL,
      accepted_at INTEGER NOT NULL, PRIMARY KEY (shop_id, sale_id)) WITHOUT ROWID`,
    "CREATE INDEX seen_accepted_at ON seen (accepted_at)",
    `INSERT OR IGNORE INTO seen (shop_id, sale_id, accepted_at)
      SELECT shop_id, sale_id, unixepoch('subsec') * 1000 FROM buffer`,
  ],
] as const;

type BufferRow = {
  seq: number;
  shop_id: number;
  sale_id: string;
  product_id: number;
  quantity: number;
  unit_price_minor: number;
  sold_at: number;
};

export function ingestStub(env: Env, shard: number): DurableObjectStub<SalesIngest> {
  return env.SALES_INGEST.get(env.SALES_INGEST.idFromName(`shard-${shard}`));
}

/**
 * One shard of the hot path. `append` dedups and buffers sales in this object's SQLite storage
 * (durable before the RPC returns: the output gate holds the reply until the write commits);
 * `alarm` flushes the buffer to D1 and the deltas to Rankings.
 */
export class SalesIngest extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private shard: number | null = null;
  private alarmPending = false;
  private lastPrune = 0;
  // Kept in memory so an append never counts the buffer table.
  private bufferedRows = 0;
  // The last buffer seq a committed flush covered.
  private flushedThrough = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage, MIGRATIONS);
      const shard = this.sql
        .exec<{ value: number }>("SELECT value FROM meta WHERE key = 'shard'")
        .toArray()[0];
      this.shard = shard?.value ?? null;
      this.bufferedRows = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM buffer").one().n;
      // After a restart, a buffer left behind gets its flush back.
      this.alarmPending = (await ctx.storage.getAlarm()) !== null;
      if (!this.alarmPending && this.bufferedRows > 0) await this.scheduleFlush(0);
    });
  }

  async append(shard: number, incoming: IncomingSale[]): Promise<AppendStatus[]> {
    const now = Date.now();
    const statuses = this.ctx.storage.transactionSync(() => {
      if (this.shard === null) {
        this.sql.exec("INSERT INTO meta (key, value) VALUES ('shard', ?)", shard);
        this.shard = shard;
      }
      // Set-based: two statements per append however many sales it carries.
      const fresh = new Set(
        this.sql
          .exec<{ k: string }>(
            `INSERT INTO seen (shop_id, sale_id, accepted_at)
             SELECT value ->> '$[0]', value ->> '$[1]', ? FROM json_each(?) WHERE true
             ON CONFLICT DO NOTHING RETURNING shop_id || ':' || sale_id AS k`,
            now,
            JSON.stringify(incoming.map((s) => [s.shopId, s.saleId])),
          )
          .toArray()
          .map((r) => r.k),
      );
      const accepted: IncomingSale[] = [];
      const result = incoming.map((sale): AppendStatus => {
        // A sale seen for the first time in this append counts once, at its first place.
        if (!fresh.delete(`${sale.shopId}:${sale.saleId}`)) return "duplicate";
        accepted.push(sale);
        return "accepted";
      });
      if (accepted.length > 0) this.buffer(accepted);
      return result;
    });
    if (this.bufferedRows >= FLUSH_ROWS) await this.scheduleFlush(0);
    else if (statuses.includes("accepted") && !this.alarmPending)
      await this.scheduleFlush(FLUSH_DELAY_MS);
    return statuses;
  }

  private buffer(sales: IncomingSale[]) {
    this.sql.exec(
      `INSERT INTO buffer (shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at)
       SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
              value ->> '$[4]', value ->> '$[5]'
       FROM json_each(?)`,
      JSON.stringify(
        sales.map((s) => [s.shopId, s.saleId, s.productId, s.quantity, s.unitPriceMinor, s.soldAt]),
      ),
    );
    this.bufferedRows += sales.length;
  }

  override async alarm(): Promise<void> {
    this.alarmPending = false;
    try {
      await this.flushOnce();
    } catch (error) {
      // Keep the buffer and try again: the alarm is this object's only flush trigger.
      log("error", "sales.flush_failed", { shard: this.shard, ...errorFields(error) });
      await this.scheduleFlush(RETRY_DELAY_MS);
      return;
    }
    const remaining = this.bufferedRows;
    if (remaining > 0) await this.scheduleFlush(remaining >= FLUSH_ROWS ? 0 : FLUSH_DELAY_MS);
    this.pruneSeen();
  }

  /** Flushes everything buffered now (admin flush, tests, before a deploy); returns the rows. */
  async flushAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const flushed = await this.flushOnce();
      if (flushed === 0) return total;
      total += flushed;
    }
  }

  /** Sales waiting in this shard's buffer (counted, not the hot path's running tally). */
  buffered(): number {
    this.bufferedRows = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM buffer").one().n;
    return this.bufferedRows;
  }

  /** Buffered sales of a product or a shop (a catalog entry with sales in flight stays). */
  bufferedOf(what: { productId?: number; shopId?: number }): number {
    const [column, id] =
      what.productId !== undefined ? ["product_id", what.productId] : ["shop_id", what.shopId];
    return this.sql
      .exec<{ n: number }>(`SELECT count(*) AS n FROM buffer WHERE ${column} = ?`, id ?? null)
      .one().n;
  }

  private readBuffer(): BufferedSale[] {
    // Read before any await: a SQL cursor has no snapshot across one.
    return this.sql
      .exec<BufferRow>("SELECT * FROM buffer ORDER BY seq LIMIT ?", FLUSH_ROWS)
      .toArray()
      .map((r) => ({
        seq: r.seq,
        shopId: r.shop_id,
        saleId: r.sale_id,
        productId: r.product_id,
        quantity: r.quantity,
        unitPriceMinor: r.unit_price_minor,
        soldAt: r.sold_at,
      }));
  }

  private async flushOnce(): Promise<number> {
    if (this.shard === null) return 0;
    const rows = this.readBuffer();
    if (rows.length === 0) return 0;
    return this.writeIsolating(this.shard, rows);
  }

  /**
   * Writes rows as one flush; when D1 refuses them for their data (a bound), halves the range
   * until the one sale at fault is found and set aside, so one bad sale never blocks the rest.
   * Returns how many buffered sales are done.
   */
  private async writeIsolating(shard: number, rows: BufferedSale[]): Promise<number> {
    const [first] = rows;
    if (!first) return 0;
    const db = createDb(this.env.DB);
    try {
      return await this.commit(shard, first.seq, await writeFlush(db, shard, rows, new Date()));
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (rows.length === 1) {
        const message = error instanceof Error ? error.message : String(error);
        log("error", "sales.dead_lettered", { shard, seq: first.seq, error: message });
        const result = await writeDeadLetter(db, shard, first, message, new Date());
        return this.commit(shard, first.seq, result);
      }
      const half = Math.ceil(rows.length / 2);
      const done = await this.writeIsolating(shard, rows.slice(0, half));
      // A replayed half may have covered more rows than it was given: skip those.
      const rest = rows.slice(half).filter((r) => r.seq > this.flushedThrough);
      return done + (await this.writeIsolating(shard, rest));
    }
  }

  /** After D1 committed: the deltas to Rankings, then the buffer rows the flush covered. */
  private async commit(shard: number, seq: number, result: FlushResult): Promise<number> {
    await rankingsStub(this.env).apply(shard, seq, result.deltas);
    const deleted = this.sql.exec("DELETE FROM buffer WHERE seq <= ?", result.lastRow).rowsWritten;
    this.bufferedRows = Math.max(0, this.bufferedRows - deleted);
    this.flushedThrough = Math.max(this.flushedThrough, result.lastRow);
    if (result.replayed)
      log("warn", "sales.flush_replayed", { shard, seq, lastRow: result.lastRow });
    return deleted;
  }

  private async scheduleFlush(delayMs: number) {
    await this.ctx.storage.setAlarm(Date.now() + delayMs);
    this.alarmPending = true;
  }

  private pruneSeen() {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.sql.exec("DELETE FROM seen WHERE accepted_at < ?", now - SEEN_RETENTION_MS);
  }
}
