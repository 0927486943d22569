// The write path inside a shard, one stage a step, in the order a transaction passes through
// them (docs/ARCHITECTURE.md#the-write-path). Before it, in the Worker: ingest/routes.ts
// validates, ingest/prepare.ts prices and dates, ingest/send.ts hands each shard its group.
import { createDb } from "../../../db/client";
import { isDataError } from "../../../db/errors";
import { errorFields, log } from "../../../lib/log";
import type { RowMeter } from "../../../platform/durable/meter";
import { rankingsStub } from "../core/shards";
import type { AppendStatus, IncomingTransaction } from "../core/transaction";
import { chunkOf, type FlushChunk, type FlushResult, writeDeadLetter, writeFlush } from "../flush";
import { readRows, type ShardBuffer } from "./buffer";
import { lookUp } from "./lookup";
import type { SeenWindow } from "./seen";
import { storeGroup } from "./store";

// Flush ~0.5 s after the first buffered sale, or at once past FLUSH_ROWS: with a 1 s report
// cache this keeps reports within the 2 s staleness bound.
export const FLUSH_DELAY_MS = 500;
export const FLUSH_ROWS = 5_000;
const RETRY_DELAY_MS = 5_000;

/** What the stages work on: the object's storage and memory, and its bindings (read per use). */
export type ShardParts = {
  ctx: DurableObjectState;
  env: () => Env;
  sql: SqlStorage;
  meter: RowMeter;
  seen: SeenWindow;
  buffer: ShardBuffer;
};

export class WritePipeline {
  /** This object's shard number, stored with its first append. */
  shard: number | null = null;
  // Kept in memory so an append never counts the buffer table.
  bufferedRows = 0;
  alarmPending = false;
  // The last buffer seq a committed flush covered.
  private flushedThrough = 0;

  constructor(private readonly p: ShardParts) {}

  /** One group of appends (the group commit), in the order they came. */
  async append(shard: number, incoming: IncomingTransaction[]): Promise<AppendStatus[]> {
    // 1. Look up (lookup.ts): flushed ids and refunded sales from D1 — reads only.
    const found = await lookUp(
      { ...this.p, d1: this.p.env().DB, archive: this.p.env().ARCHIVE, buffered: this.p.buffer },
      incoming,
    );
    // 2. Store (store.ts): seqs, sales, refunds, reused ids, terminals — durable when this one
    //    storage transaction commits; the output gate holds every answer until then. No await
    //    comes between the look-up and it, so what the look-up saw is what is stored.
    const acceptedAt = Date.now();
    const statuses = this.p.ctx.storage.transactionSync(() => {
      this.claimShard(shard);
      const stored = storeGroup(this.p.sql, this.p.buffer, { incoming, ...found, acceptedAt });
      this.bufferedRows += stored.added;
      return stored.statuses;
    });
    // 3. Schedule the flush: the alarm is stored with the object.
    if (this.bufferedRows >= FLUSH_ROWS) await this.scheduleFlush(0);
    else if (statuses.includes("accepted") && !this.alarmPending)
      await this.scheduleFlush(FLUSH_DELAY_MS);
    this.p.meter.settle();
    return statuses;
  }

  /** One flush of the oldest buffered transactions; returns how many are done. */
  async flush(): Promise<number> {
    if (this.shard === null) return 0;
    // 1. Read (buffer.ts): the oldest whole writes, up to FLUSH_ROWS — reads only.
    const chunk = this.p.buffer.readChunk(FLUSH_ROWS);
    return chunk ? this.write(this.shard, chunk) : 0;
  }

  /** The alarm's flush: on a failure the buffer stays and the alarm comes back. */
  async flushOnAlarm() {
    this.alarmPending = false;
    try {
      await this.flush();
    } catch (error) {
      log("error", "sales.flush_failed", { shard: this.shard, ...errorFields(error) });
      await this.scheduleFlush(RETRY_DELAY_MS);
      return;
    }
    const remaining = this.bufferedRows;
    if (remaining > 0) await this.scheduleFlush(remaining >= FLUSH_ROWS ? 0 : FLUSH_DELAY_MS);
  }

  /**
   * 2. Write (flush/flush.ts): one D1 batch — durable in D1 when it commits; a replay is known by its
   *    flush-log row. When D1 refuses the chunk for its data (a bound), the range is halved until
   *    the one transaction at fault is found and 2b. isolated (flush/dead-letter.ts): set aside in D1,
   *    so one bad sale never blocks the rest.
   */
  private async write(shard: number, chunk: FlushChunk): Promise<number> {
    if (chunk.count === 0) return 0;
    const db = createDb(this.p.env().DB);
    try {
      return await this.commit(
        shard,
        chunk.firstSeq,
        await writeFlush(db, shard, chunk, new Date()),
      );
    } catch (error) {
      if (!isDataError(error)) throw error;
      const rows = readRows(this.p.sql, chunk).filter((r) => r.seq > this.flushedThrough);
      const [only] = rows;
      if (rows.length === 1 && only) {
        const message = error instanceof Error ? error.message : String(error);
        log("error", "sales.dead_lettered", { shard, seq: only.seq, error: message });
        const result = await writeDeadLetter(db, shard, only, message, new Date());
        return this.commit(shard, only.seq, result);
      }
      const half = Math.ceil(rows.length / 2);
      const done = await this.write(shard, chunkOf(rows.slice(0, half)));
      // A replayed half may have covered more rows than it was given: skip those.
      const rest = rows.slice(half).filter((r) => r.seq > this.flushedThrough);
      return done + (await this.write(shard, chunkOf(rest)));
    }
  }

  /**
   * 3. Rank: the deltas to the Rankings object — its counters live in memory and come back from
   *    D1 on wake, so this needs no durability of its own.
   * 4. Forget (seen.ts, buffer.ts): the flushed client ids into the window of flushed ids and
   *    their rows out of the buffer — one storage transaction, so an id is always in one of them.
   */
  private async commit(shard: number, seq: number, result: FlushResult): Promise<number> {
    await rankingsStub(this.p.env()).apply(shard, seq, result.deltas);
    const { buffer, seen } = this.p;
    const deleted = this.p.ctx.storage.transactionSync(() => {
      seen.record(buffer.clientHashesThrough(result.lastRow), Date.now());
      return buffer.deleteThrough(result.lastRow);
    });
    this.bufferedRows = Math.max(0, this.bufferedRows - deleted);
    this.flushedThrough = Math.max(this.flushedThrough, result.lastRow);
    this.p.meter.addAll("d1", result.d1Rows ?? {});
    this.p.meter.settle();
    if (result.replayed)
      log("warn", "sales.flush_replayed", { shard, seq, lastRow: result.lastRow });
    return deleted;
  }

  async scheduleFlush(delayMs: number) {
    // An alarm is stored like a row, and billed as one.
    this.p.meter.add("alarm", 0, 1);
    await this.p.ctx.storage.setAlarm(Date.now() + delayMs);
    this.alarmPending = true;
  }

  private claimShard(shard: number) {
    if (this.shard !== null) return;
    this.p.sql.exec("INSERT INTO meta (key, value) VALUES ('shard', ?)", shard);
    this.shard = shard;
  }
}
