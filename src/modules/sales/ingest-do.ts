import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { isDataError } from "../../db/errors";
import { errorFields, log } from "../../lib/log";
import { type MeterSnapshot, RowMeter } from "../../platform/durable/meter";
import { migrateStorage } from "../../platform/durable/migrate";
import { storeGroup } from "./append";
import { ShardBuffer } from "./buffer";
import { writeDeadLetter } from "./dead-letter";
import { chunkOf, type FlushChunk, type FlushResult, writeFlush } from "./flush";
import { MIGRATIONS } from "./ingest-migrations";
import {
  type AppendStatus,
  type IncomingTransaction,
  oldestAcceptedAt,
  type RefundableSale,
  readRows,
} from "./ingest-storage";
import { rankingsStub } from "./rankings-do";
import { salesToRefund } from "./refunds";
import { flushedAlready, newSuspects, SeenWindow } from "./seen";
import { readTransaction, type StoredTransaction } from "./stored";
import { allTerminals, loadTerminals, terminalKey } from "./terminals";

export type {
  AppendStatus,
  IncomingRefund,
  IncomingSale,
  IncomingTransaction,
  Refusal,
} from "./ingest-storage";

// Flush ~0.5 s after the first buffered sale, or at once past FLUSH_ROWS: with a 1 s report
// cache this keeps reports within the 2 s staleness bound.
export const FLUSH_DELAY_MS = 500;
const FLUSH_ROWS = 5_000;
const RETRY_DELAY_MS = 5_000;
const PRUNE_EVERY_MS = 3600 * 1000;

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
  // Rows this shard reads and writes, here and in D1 (what a sale costs; npm run bench).
  private readonly meter = new RowMeter("shard");
  private readonly seen: SeenWindow;
  private readonly buffer: ShardBuffer;
  private shard: number | null = null;
  // Appends waiting for the next write, and that write while it runs.
  private waiting: {
    shard: number;
    incoming: IncomingTransaction[];
    resolve: (statuses: AppendStatus[]) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private writing = false;
  private alarmPending = false;
  private lastPrune = 0;
  // Kept in memory so an append never counts the buffer table.
  private bufferedRows = 0;
  // The last buffer seq a committed flush covered.
  private flushedThrough = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = this.meter.wrap(ctx.storage.sql);
    this.seen = new SeenWindow(this.sql, ctx.id.toString());
    this.buffer = new ShardBuffer(this.sql);
    void ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage, MIGRATIONS);
      this.seen.load(Date.now());
      const shard = this.sql
        .exec<{ value: number }>("SELECT value FROM meta WHERE key = 'shard'")
        .toArray()[0];
      this.shard = shard?.value ?? null;
      this.buffer.load();
      this.bufferedRows = this.buffer.size;
      // After a restart, a buffer left behind gets its flush back.
      this.alarmPending = (await ctx.storage.getAlarm()) !== null;
      if (!this.alarmPending && this.bufferedRows > 0) await this.scheduleFlush(0);
    });
  }

  /**
   * Buffers sales and answers once they are in this shard's storage. Group commit: appends
   * delivered together, or while a write runs, share the next transaction, so one commit (and
   * one fsync locally) covers several requests; the output gate still holds every answer until
   * that commit is durable.
   */
  append(shard: number, incoming: IncomingTransaction[]): Promise<AppendStatus[]> {
    this.meter.request();
    const { promise, resolve, reject } = Promise.withResolvers<AppendStatus[]>();
    this.waiting.push({ shard, incoming, resolve, reject });
    if (!this.writing) {
      this.writing = true;
      void this.writeWaiting();
    }
    return promise;
  }

  private async writeWaiting() {
    // Let appends already delivered to this object join this write.
    await scheduler.wait(0);
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        const shard = group[0]?.shard ?? 0;
        const statuses = await this.appendGroup(
          shard,
          group.flatMap((g) => g.incoming),
        );
        let at = 0;
        for (const g of group) {
          g.resolve(statuses.slice(at, at + g.incoming.length));
          at += g.incoming.length;
        }
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    this.writing = false;
  }

  /**
   * One transaction for the transactions of every waiting append, in the order they came: sales
   * in bulk, then each refund against what is left of its sale (a refund may follow its sale in
   * the same group, never precede it).
   */
  private async appendGroup(
    shard: number,
    incoming: IncomingTransaction[],
  ): Promise<AppendStatus[]> {
    const { flushed, refunded } = await this.lookUp(incoming);
    // No await from here to the commit: what the look-up saw is what the transaction stores.
    const acceptedAt = Date.now();
    const statuses = this.ctx.storage.transactionSync(() => {
      if (this.shard === null) {
        this.sql.exec("INSERT INTO meta (key, value) VALUES ('shard', ?)", shard);
        this.shard = shard;
      }
      const group = { incoming, flushed, refunded, acceptedAt };
      const { statuses, added } = storeGroup(this.sql, this.buffer, group);
      this.bufferedRows += added;
      return statuses;
    });
    if (this.bufferedRows >= FLUSH_ROWS) await this.scheduleFlush(0);
    else if (statuses.includes("accepted") && !this.alarmPending)
      await this.scheduleFlush(FLUSH_DELAY_MS);
    this.meter.settle();
    return statuses;
  }

  /**
   * What a group needs from D1 before its transaction: the client ids flushed already, and the
   * sales its refunds name. A flush that commits during these awaits moves ids from the buffer
   * into the window of flushed ids; such an id is then in neither where the first look-up
   * looked, so the look-up runs again for the ids the window gained until there are none.
   */
  private async lookUp(incoming: IncomingTransaction[]) {
    const asked = new Set<string>();
    const flushed = new Map<string, StoredTransaction>();
    const refunded = new Map<string, RefundableSale>();
    do {
      for (const [k, t] of await flushedAlready(this.seen, this.env.DB, incoming, asked))
        flushed.set(k, t);
      const sales = await salesToRefund(this.sql, this.env.DB, incoming, flushed, this.buffer);
      for (const [k, sale] of sales) refunded.set(k, sale);
    } while (newSuspects(this.seen, incoming, asked).length > 0);
    return { flushed, refunded };
  }

  override async alarm(): Promise<void> {
    this.meter.request();
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

  /** One transaction and, for a sale, its refunds (the read-back). */
  transaction(shopId: number, id: string) {
    return readTransaction(this.sql, this.env.DB, shopId, id);
  }

  /** What this shard holds from one terminal of a shop (null: never heard of). */
  terminal(shopId: number, terminalId: string) {
    return (
      loadTerminals(this.sql, [[shopId, terminalId]]).get(terminalKey(shopId, terminalId)) ?? null
    );
  }

  /** Every terminal of this shard's shops. */
  terminals() {
    return allTerminals(this.sql);
  }

  /** When the oldest transaction still waiting here was accepted (null: none waits). */
  oldestPending(): number | null {
    return oldestAcceptedAt(this.sql);
  }

  /** Buffered sales of a product or a shop (a catalog entry with sales in flight stays). */
  bufferedOf(what: { productId?: number; shopId?: number }): number {
    const [column, id] =
      what.productId !== undefined ? ["product_id", what.productId] : ["shop_id", what.shopId];
    return this.sql
      .exec<{ n: number }>(`SELECT count(*) AS n FROM buffer WHERE ${column} = ?`, id ?? null)
      .one().n;
  }

  private async flushOnce(): Promise<number> {
    if (this.shard === null) return 0;
    const chunk = this.buffer.readChunk(FLUSH_ROWS);
    return chunk ? this.writeIsolating(this.shard, chunk) : 0;
  }

  /**
   * Writes a chunk as one flush; when D1 refuses it for its data (a bound), halves the range
   * until the one sale at fault is found and set aside, so one bad sale never blocks the rest.
   * Returns how many buffered sales are done.
   */
  private async writeIsolating(shard: number, chunk: FlushChunk): Promise<number> {
    if (chunk.count === 0) return 0;
    const db = createDb(this.env.DB);
    try {
      return await this.commit(
        shard,
        chunk.firstSeq,
        await writeFlush(db, shard, chunk, new Date()),
      );
    } catch (error) {
      if (!isDataError(error)) throw error;
      const rows = readRows(this.sql, chunk).filter((r) => r.seq > this.flushedThrough);
      const [only] = rows;
      if (rows.length === 1 && only) {
        const message = error instanceof Error ? error.message : String(error);
        log("error", "sales.dead_lettered", { shard, seq: only.seq, error: message });
        const result = await writeDeadLetter(db, shard, only, message, new Date());
        return this.commit(shard, only.seq, result);
      }
      const half = Math.ceil(rows.length / 2);
      const done = await this.writeIsolating(shard, chunkOf(rows.slice(0, half)));
      // A replayed half may have covered more rows than it was given: skip those.
      const rest = rows.slice(half).filter((r) => r.seq > this.flushedThrough);
      return done + (await this.writeIsolating(shard, chunkOf(rest)));
    }
  }

  /**
   * After D1 committed: the deltas to Rankings; then, in one transaction, the flushed client ids
   * into the memory of flushed ids (an append to its log) and out of the buffer.
   */
  private async commit(shard: number, seq: number, result: FlushResult): Promise<number> {
    await rankingsStub(this.env).apply(shard, seq, result.deltas);
    const deleted = this.ctx.storage.transactionSync(() => {
      this.seen.record(this.buffer.clientHashesThrough(result.lastRow), Date.now());
      return this.buffer.deleteThrough(result.lastRow);
    });
    this.bufferedRows = Math.max(0, this.bufferedRows - deleted);
    this.flushedThrough = Math.max(this.flushedThrough, result.lastRow);
    this.meter.addAll("d1", result.d1Rows ?? {});
    this.meter.settle();
    if (result.replayed)
      log("warn", "sales.flush_replayed", { shard, seq, lastRow: result.lastRow });
    return deleted;
  }

  /** Rows read and written by this shard since it started (`reset`: start counting again). */
  rowCounts(reset = false): MeterSnapshot {
    return this.meter.snapshot(reset);
  }

  private async scheduleFlush(delayMs: number) {
    // An alarm is stored like a row, and billed as one.
    this.meter.add("alarm", 0, 1);
    await this.ctx.storage.setAlarm(Date.now() + delayMs);
    this.alarmPending = true;
  }

  private pruneSeen() {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.ctx.storage.transactionSync(() => this.seen.prune(now));
    this.meter.settle();
  }
}
