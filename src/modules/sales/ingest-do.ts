import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { errorFields, log } from "../../lib/log";
import { type BufferedSale, writeFlush } from "./flush";
import { rankingsStub } from "./shards";

export type IncomingSale = Omit<BufferedSale, "seq">;
export type AppendStatus = "accepted" | "duplicate";

// Flush ~0.5 s after the first buffered sale, or at once past FLUSH_ROWS: with a 1 s report
// cache this keeps reports within the 2 s staleness bound.
export const FLUSH_DELAY_MS = 500;
const FLUSH_ROWS = 5_000;
const RETRY_DELAY_MS = 5_000;
// Sale ids are remembered this long for the `duplicate` answer; an older retry is still
// stored once (D1 ignores an id it has), only answered `accepted`.
const SEEN_RETENTION_MS = 30 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;

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

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS buffer (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, product_id INTEGER NOT NULL,
        shop_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,
        sold_at INTEGER NOT NULL)`);
      this.sql.exec(
        "CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, accepted_at INTEGER NOT NULL) WITHOUT ROWID",
      );
      this.sql.exec("CREATE INDEX IF NOT EXISTS seen_accepted_at ON seen (accepted_at)");
      this.sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      );
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
          .exec<{ id: string }>(
            `INSERT INTO seen (id, accepted_at) SELECT value, ? FROM json_each(?) WHERE true
             ON CONFLICT DO NOTHING RETURNING id`,
            now,
            JSON.stringify(incoming.map((s) => s.id)),
          )
          .toArray()
          .map((r) => r.id),
      );
      const accepted: IncomingSale[] = [];
      const result = incoming.map((sale): AppendStatus => {
        // A sale id seen for the first time in this append counts once, at its first place.
        if (!fresh.delete(sale.id)) return "duplicate";
        accepted.push(sale);
        return "accepted";
      });
      if (accepted.length > 0) {
        this.sql.exec(
          `INSERT INTO buffer (id, product_id, shop_id, quantity, unit_price_minor, sold_at)
           SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]',
                  value ->> '$[4]', value ->> '$[5]'
           FROM json_each(?)`,
          JSON.stringify(
            accepted.map((s) => [
              s.id,
              s.productId,
              s.shopId,
              s.quantity,
              s.unitPriceMinor,
              s.soldAt,
            ]),
          ),
        );
        this.bufferedRows += accepted.length;
      }
      return result;
    });
    if (this.bufferedRows >= FLUSH_ROWS) await this.scheduleFlush(0);
    else if (statuses.includes("accepted") && !this.alarmPending)
      await this.scheduleFlush(FLUSH_DELAY_MS);
    return statuses;
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

  private async flushOnce(): Promise<number> {
    if (this.shard === null) return 0;
    // Read before any await: a SQL cursor has no snapshot across one.
    const rows = this.sql
      .exec<{
        seq: number;
        id: string;
        product_id: number;
        shop_id: number;
        quantity: number;
        unit_price_minor: number;
        sold_at: number;
      }>("SELECT * FROM buffer ORDER BY seq LIMIT ?", FLUSH_ROWS)
      .toArray()
      .map(
        (r): BufferedSale => ({
          seq: r.seq,
          id: r.id,
          productId: r.product_id,
          shopId: r.shop_id,
          quantity: r.quantity,
          unitPriceMinor: r.unit_price_minor,
          soldAt: r.sold_at,
        }),
      );
    const first = rows[0];
    if (!first) return 0;
    const shard = this.shard;
    const { deltas, lastRow, replayed } = await writeFlush(
      createDb(this.env.DB),
      shard,
      rows,
      new Date(),
    );
    await rankingsStub(this.env).apply(shard, first.seq, deltas);
    const deleted = this.sql.exec("DELETE FROM buffer WHERE seq <= ?", lastRow).rowsWritten;
    this.bufferedRows = Math.max(0, this.bufferedRows - deleted);
    if (replayed) log("warn", "sales.flush_replayed", { shard, seq: first.seq, lastRow });
    return rows.filter((r) => r.seq <= lastRow).length;
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
