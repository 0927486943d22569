import { DurableObject } from "cloudflare:workers";
import { type MeterSnapshot, RowMeter } from "../../platform/durable/meter";
import { migrateStorage } from "../../platform/durable/migrate";
import type { FlushDeltas } from "./flush";

export type RankedShop = { shopId: number; netMinor: number };
export type RankedProduct = { productId: number; quantity: number };
export type RankingsSnapshot = FlushDeltas & { shardSeqs: { shard: number; seq: number }[] };

const TOP = 10;
// Dashboards watching over a WebSocket hear of a change at most this often.
const NOTIFY_EVERY_MS = 1000;
const ALL_TIME = "*";
// Recent deltas per shard, re-applied on top of a rebuild snapshot that predates them.
const RECENT_PER_SHARD = 100;

const MIGRATIONS = [
  [
    `CREATE TABLE IF NOT EXISTS shop_revenue (
      month TEXT NOT NULL, shop_id INTEGER NOT NULL, revenue INTEGER NOT NULL,
      PRIMARY KEY (month, shop_id))`,
    `CREATE TABLE IF NOT EXISTS product_quantity (
      month TEXT NOT NULL, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
      PRIMARY KEY (month, product_id))`,
    "CREATE TABLE IF NOT EXISTS shard_seq (shard INTEGER PRIMARY KEY, seq INTEGER NOT NULL)",
  ],
  // v2: revenue per UTC day, for the dashboard (filled by flushes from now on, or a rebuild).
  ["CREATE TABLE day_revenue (day TEXT PRIMARY KEY, revenue INTEGER NOT NULL)"],
  // v3: months are business months and figures net of refunds (SPEC §4.1); the dashboard's
  // days come from D1's rollups. Counters so far stay valid: every shop had UTC days and no
  // refund existed.
  ["DROP TABLE day_revenue"],
] as const;

// Set-based counter updates: the rows come as one JSON array of [key…, amount].
const ADD_TO = {
  shop_revenue: `INSERT INTO shop_revenue (month, shop_id, revenue)
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true
    ON CONFLICT (month, shop_id) DO UPDATE SET revenue = revenue + excluded.revenue`,
  product_quantity: `INSERT INTO product_quantity (month, product_id, quantity)
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true
    ON CONFLICT (month, product_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
} as const;

/** Top `TOP` of a counter map: value desc, id asc. Cost grows with ids, not with sales. */
function topOf(counters: Map<number, number> | undefined): [number, number][] {
  if (!counters) return [];
  return [...counters].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, TOP);
}

function bump<K>(map: Map<K, Map<number, number>>, key: K, id: number, by: number) {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  inner.set(id, (inner.get(id) ?? 0) + by);
}

export function rankingsStub(env: Env): DurableObjectStub<Rankings> {
  return env.RANKINGS.get(env.RANKINGS.idFromName("global"));
}

/**
 * The ranking counters (net shop revenue per business month, net product quantity per business
 * month and all time), fed by flush deltas. Counters live in memory for reads and in SQLite for
 * restarts; a delta whose (shard, seq) is not past the last applied one for that shard is ignored.
 */
export class Rankings extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  // Rows read and written here (what applying a flush costs; npm run bench).
  private readonly meter = new RowMeter("rankings");
  private shopRevenue = new Map<string, Map<number, number>>();
  private productQuantity = new Map<string, Map<number, number>>();
  private lastSeq = new Map<number, number>();
  private readonly topCache = new Map<string, [number, number][]>();
  private readonly recent = new Map<number, { seq: number; deltas: FlushDeltas }[]>();
  private lastNotified = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = this.meter.wrap(ctx.storage.sql);
    // Keep-alive pings are answered without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage, MIGRATIONS);
      this.load();
    });
  }

  private load() {
    this.shopRevenue = new Map();
    this.productQuantity = new Map();
    this.lastSeq = new Map();
    this.topCache.clear();
    const shops = this.sql.exec<{ month: string; shop_id: number; revenue: number }>(
      "SELECT month, shop_id, revenue FROM shop_revenue",
    );
    const products = this.sql.exec<{ month: string; product_id: number; quantity: number }>(
      "SELECT month, product_id, quantity FROM product_quantity",
    );
    this.count({
      shops: [...shops].map((r) => ({
        shopId: r.shop_id,
        month: r.month,
        netMinor: r.revenue,
      })),
      products: [...products].map((r) => ({
        productId: r.product_id,
        month: r.month,
        quantity: r.quantity,
      })),
    });
    for (const r of this.sql.exec<{ shard: number; seq: number }>(
      "SELECT shard, seq FROM shard_seq",
    )) {
      this.lastSeq.set(r.shard, r.seq);
    }
  }

  /** Adds deltas to the in-memory counters. */
  private count(deltas: FlushDeltas) {
    for (const d of deltas.shops) bump(this.shopRevenue, d.month, d.shopId, d.netMinor);
    for (const d of deltas.products) {
      bump(this.productQuantity, d.month, d.productId, d.quantity);
      bump(this.productQuantity, ALL_TIME, d.productId, d.quantity);
    }
    this.topCache.clear();
  }

  /** Applies one flush's deltas once; returns false for a (shard, seq) already applied. */
  apply(shard: number, seq: number, deltas: FlushDeltas): boolean {
    this.meter.request();
    if (seq <= (this.lastSeq.get(shard) ?? 0)) return false;
    const recent = this.recent.get(shard) ?? [];
    recent.push({ seq, deltas });
    if (recent.length > RECENT_PER_SHARD) recent.shift();
    this.recent.set(shard, recent);
    this.ctx.storage.transactionSync(() => {
      this.storeCounters(deltas);
      this.storeSeq(shard, seq);
    });
    this.count(deltas);
    this.lastSeq.set(shard, seq);
    this.meter.settle();
    void this.notifyWatchers();
    return true;
  }

  /** Rows read and written here since the object started (`reset`: start counting again). */
  rowCounts(reset = false): MeterSnapshot {
    return this.meter.snapshot(reset);
  }

  /** A dashboard's live channel: a hibernatable WebSocket told when the counters change. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade.", { status: 426 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    if (!client || !server) throw new Error("no WebSocket pair");
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    ws.close(code === 1005 ? 1000 : code);
  }

  /** Tells every watcher now, or at the end of the current second (an alarm, so it survives). */
  private async notifyWatchers() {
    const watchers = this.ctx.getWebSockets();
    if (watchers.length === 0) return;
    const now = Date.now();
    if (now - this.lastNotified >= NOTIFY_EVERY_MS) {
      this.lastNotified = now;
      const message = JSON.stringify({ type: "changed", at: new Date(now).toISOString() });
      for (const ws of watchers) ws.send(message);
    } else if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(this.lastNotified + NOTIFY_EVERY_MS);
    }
  }

  override async alarm() {
    this.lastNotified = 0;
    await this.notifyWatchers();
  }

  topShops(month: string): RankedShop[] {
    return this.cachedTop(`shops:${month}`, () => topOf(this.shopRevenue.get(month))).map(
      ([shopId, netMinor]) => ({ shopId, netMinor }),
    );
  }

  /** `month` null: all time. */
  topProducts(month: string | null): RankedProduct[] {
    return this.cachedTop(`products:${month ?? ALL_TIME}`, () =>
      topOf(this.productQuantity.get(month ?? ALL_TIME)),
    ).map(([productId, quantity]) => ({ productId, quantity }));
  }

  /** Replaces every counter with a snapshot of the D1 rollups (and the flushes they include). */
  rebuild(snapshot: RankingsSnapshot): { shops: number; products: number; reapplied: number } {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM shop_revenue");
      this.sql.exec("DELETE FROM product_quantity");
      this.sql.exec("DELETE FROM shard_seq");
      this.storeCounters(snapshot);
      for (const x of snapshot.shardSeqs) this.storeSeq(x.shard, x.seq);
    });
    this.load();
    // A flush that reached us after the snapshot was read is not in it: apply it again.
    let reapplied = 0;
    for (const [shard, deltas] of this.recent) {
      this.recent.set(shard, []);
      for (const d of deltas) if (this.apply(shard, d.seq, d.deltas)) reapplied++;
    }
    return { shops: snapshot.shops.length, products: snapshot.products.length, reapplied };
  }

  /** Adds deltas to the stored counters (on empty tables: stores a snapshot). */
  private storeCounters(deltas: FlushDeltas) {
    const rows = {
      shop_revenue: deltas.shops.map((d) => [d.month, d.shopId, d.netMinor]),
      product_quantity: deltas.products.map((d) => [d.month, d.productId, d.quantity]),
    };
    for (const [table, values] of Object.entries(rows)) {
      if (values.length > 0)
        this.sql.exec(ADD_TO[table as keyof typeof ADD_TO], JSON.stringify(values));
    }
  }

  private storeSeq(shard: number, seq: number) {
    this.sql.exec(
      "INSERT INTO shard_seq (shard, seq) VALUES (?, ?) ON CONFLICT (shard) DO UPDATE SET seq = excluded.seq",
      shard,
      seq,
    );
  }

  private cachedTop(key: string, compute: () => [number, number][]): [number, number][] {
    let top = this.topCache.get(key);
    if (!top) {
      top = compute();
      this.topCache.set(key, top);
    }
    return top;
  }
}
