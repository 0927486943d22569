import { DurableObject } from "cloudflare:workers";
import { type MeterSnapshot, RowMeter } from "../../../platform/durable/meter";
import { migrateStorage } from "../../../platform/durable/migrate";
import type { AppendStatus, IncomingTransaction } from "../core/transaction";
import { allTerminals, readTransaction, terminalOf } from "../terminals";
import { oldestAcceptedAt, ShardBuffer } from "./buffer";
import { WritePipeline } from "./pipeline";
import { SeenWindow } from "./seen";
import { MIGRATIONS } from "./storage-migrations";

const PRUNE_EVERY_MS = 3600 * 1000;

type Waiting = {
  shard: number;
  incoming: IncomingTransaction[];
  resolve: (statuses: AppendStatus[]) => void;
  reject: (error: unknown) => void;
};

/**
 * One shard of the hot path. `append` runs the write pipeline's append stages (durable before
 * the RPC returns: the output gate holds the reply until the write commits); `alarm` runs its
 * flush stages (pipeline.ts). The other methods read what the shard holds.
 */
export class SalesIngest extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  // Rows this shard reads and writes, here and in D1 (what a sale costs; npm run bench).
  private readonly meter = new RowMeter("shard");
  private readonly seen: SeenWindow;
  private readonly buffer: ShardBuffer;
  private readonly pipeline: WritePipeline;
  // Appends waiting for the next write, and whether that write runs.
  private waiting: Waiting[] = [];
  private writing = false;
  private lastPrune = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = this.meter.wrap(ctx.storage.sql);
    this.seen = new SeenWindow(this.sql, ctx.id.toString());
    this.buffer = new ShardBuffer(this.sql);
    const { sql, meter, seen, buffer } = this;
    this.pipeline = new WritePipeline({ ctx, env: () => this.env, sql, meter, seen, buffer });
    void ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage, MIGRATIONS);
      this.seen.load(Date.now());
      const shard = this.sql
        .exec<{ value: number }>("SELECT value FROM meta WHERE key = 'shard'")
        .toArray()[0];
      this.pipeline.shard = shard?.value ?? null;
      this.buffer.load();
      this.pipeline.bufferedRows = this.buffer.size;
      // After a restart, a buffer left behind gets its flush back.
      this.pipeline.alarmPending = (await ctx.storage.getAlarm()) !== null;
      if (!this.pipeline.alarmPending && this.buffer.size > 0) await this.pipeline.scheduleFlush(0);
    });
  }

  /**
   * Buffers transactions and answers once they are in this shard's storage. Group commit:
   * appends delivered together, or while a write runs, share the next transaction, so one commit
   * (and one fsync locally) covers several requests; the output gate still holds every answer
   * until that commit is durable.
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
        const statuses = await this.pipeline.append(
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

  override async alarm(): Promise<void> {
    this.meter.request();
    await this.pipeline.flushOnAlarm();
    this.pruneSeen();
  }

  /** Flushes everything buffered now (admin flush, tests, before a deploy); returns the rows. */
  async flushAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const flushed = await this.pipeline.flush();
      if (flushed === 0) return total;
      total += flushed;
    }
  }

  /** Transactions waiting in this shard's buffer (counted, not the hot path's running tally). */
  buffered(): number {
    const n = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM buffer").one().n;
    this.pipeline.bufferedRows = n;
    return n;
  }

  /** One transaction and, for a sale, its refunds (the read-back). */
  transaction(shopId: number, id: string) {
    return readTransaction(this.sql, this.env.DB, shopId, id);
  }

  /** What this shard holds from one terminal of a shop (null: never heard of). */
  terminal(shopId: number, terminalId: string) {
    return terminalOf(this.sql, shopId, terminalId);
  }

  /** Every terminal of this shard's shops. */
  terminals() {
    return allTerminals(this.sql);
  }

  /** When the oldest transaction still waiting here was accepted (null: none waits). */
  oldestPending(): number | null {
    return oldestAcceptedAt(this.sql);
  }

  /** Buffered transactions of a product or a shop (a catalog entry with sales in flight stays). */
  bufferedOf(what: { productId?: number; shopId?: number }): number {
    if (what.productId === undefined)
      return this.sql
        .exec<{ n: number }>(
          "SELECT count(*) AS n FROM buffer WHERE shop_id = ?",
          what.shopId ?? null,
        )
        .one().n;
    // A receipt's line is [product, …]; a refund's line is [line, product, …].
    return this.sql
      .exec<{ n: number }>(
        `SELECT count(*) AS n FROM buffer b WHERE EXISTS (SELECT 1 FROM json_each(b.lines) l
           WHERE l.value ->> (CASE WHEN b.refund_of IS NULL THEN 0 ELSE 1 END) = ?)`,
        what.productId,
      )
      .one().n;
  }

  /** Rows read and written by this shard since it started (`reset`: start counting again). */
  rowCounts(reset = false): MeterSnapshot {
    return this.meter.snapshot(reset);
  }

  private pruneSeen() {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.ctx.storage.transactionSync(() => this.seen.prune(now));
    this.meter.settle();
  }
}
