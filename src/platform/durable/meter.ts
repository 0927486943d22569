/**
 * Rows read and written, by table, as the runtime counts them (what Cloudflare bills): each
 * Durable Object SQL cursor's `rowsRead`/`rowsWritten`, each D1 result's `meta`. Kept per
 * object in memory since it started; `npm run bench` reads it to price a sale.
 */
export type RowCounts = Record<string, { read: number; written: number }>;
/** An object's counts: rows by table, and the requests it served (RPC calls and alarms). */
export type MeterSnapshot = { tables: RowCounts; requests: number };

const TABLE =
  /^\s*(?:WITH\b[\s\S]*?\)\s*)?(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|SELECT[\s\S]*?\bFROM)\s+["`]?(\w+)/i;

export class RowMeter {
  private counts: RowCounts = {};
  private requests = 0;

  /** `scope` names where the tables live (`shard.buffer`, `d1.sales`). */
  constructor(private readonly scope: string) {}
  // Cursors of the current call: their counts are final once consumed, so read at `settle`.
  private open: { table: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] = [];

  /** `table` of this object's storage, or `scope.table` of another (D1's). */
  add(table: string, read: number, written: number) {
    const key = table.includes(".") ? table : `${this.scope}.${table}`;
    const entry = this.counts[key] ?? { read: 0, written: 0 };
    entry.read += read;
    entry.written += written;
    this.counts[key] = entry;
  }

  /** Counts of another store's tables (D1's, from its results' meta). */
  addAll(scope: string, counts: RowCounts) {
    for (const [table, rows] of Object.entries(counts)) {
      this.add(`${scope}.${table}`, rows.read, rows.written);
    }
  }

  /** The object's SQL with every statement counted. */
  wrap(sql: SqlStorage): SqlStorage {
    const exec = sql.exec.bind(sql);
    const meter = this;
    return new Proxy(sql, {
      get(target, key) {
        if (key !== "exec") {
          const value = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        }
        return (query: string, ...bindings: SqlStorageValue[]) => {
          const cursor = exec(query, ...bindings);
          meter.open.push({ table: query.match(TABLE)?.[1] ?? "other", cursor });
          return cursor;
        };
      },
    });
  }

  /** Adds up the cursors of the call that just ended. */
  settle() {
    for (const { table, cursor } of this.open.splice(0)) {
      this.add(table, cursor.rowsRead, cursor.rowsWritten);
    }
  }

  /** One request served (an RPC call, an alarm): Durable Objects bill each. */
  request() {
    this.requests += 1;
  }

  /** The counts so far (settled first), and a fresh start when `reset`. */
  snapshot(reset = false): MeterSnapshot {
    this.settle();
    const snapshot = { tables: structuredClone(this.counts), requests: this.requests };
    if (reset) {
      this.counts = {};
      this.requests = 0;
    }
    return snapshot;
  }
}

type D1Meta = { meta?: { rows_read?: number; rows_written?: number } };

/** D1's own counts in a batch's results, by the table of each statement (`tables`, in order). */
export function d1RowCounts(tables: readonly string[], results: readonly unknown[]): RowCounts {
  const counts: RowCounts = {};
  for (const [i, table] of tables.entries()) {
    const meta = (results[i] as D1Meta | undefined)?.meta;
    if (!meta) continue;
    const sum = counts[table] ?? { read: 0, written: 0 };
    sum.read += meta.rows_read ?? 0;
    sum.written += meta.rows_written ?? 0;
    counts[table] = sum;
  }
  return counts;
}
