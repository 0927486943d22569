import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../../db/client";
import { type MeterSnapshot, RowMeter } from "../../../platform/durable/meter";
import { migrateStorage } from "../../../platform/durable/migrate";
import type { FlushDeltas, ProductDelta } from "../core/transaction";
import { type RankingsSnapshot, rankingsSnapshot } from "./rankings-snapshot";

export type RankedShop = { shopId: number; netMinor: number };
/** A product's figures in a month: net items, net, gross and discounts (minor units). */
export type ProductCounters = {
  quantity: number;
  netMinor: number;
  grossMinor: number;
  discountsMinor: number;
};
export type RankedProduct = ProductCounters & { productId: number };
/** What top products rank by: net items, or net revenue (`?by=net`). */
export type ProductRanking = "quantity" | "net";
export type { RankingsSnapshot } from "./rankings-snapshot";

const TOP = 10;
/** The header the Worker names a watcher's shops in (JSON array; absent: every shop). */
export const WATCHED_SHOPS_HEADER = "x-watched-shops";
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
  // v3: months are business months and figures net of refunds (docs/API.md#figures); the dashboard's
  // days come from D1's rollups. Counters so far stay valid: every shop had UTC days and no
  // refund existed.
  ["DROP TABLE day_revenue"],
  // v4: the counters live in memory only and load from D1's rollups on wake: storing them here
  // too wrote two rows per flushed shop and product, for what a rebuild derives anyway.
  ["DROP TABLE shop_revenue", "DROP TABLE product_quantity", "DROP TABLE shard_seq"],
] as const;

/** Top `TOP` of a counter map: value desc, id asc. Cost grows with ids, not with sales. */
function topOf(counters: Map<number, number> | undefined): [number, number][] {
  if (!counters) return [];
  return [...counters].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, TOP);
}

function bumpProduct(map: Map<string, Map<number, ProductCounters>>, key: string, d: ProductDelta) {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  const c = inner.get(d.productId) ?? {
    quantity: 0,
    netMinor: 0,
    grossMinor: 0,
    discountsMinor: 0,
  };
  c.quantity += d.quantity;
  c.netMinor += d.netMinor;
  c.grossMinor += d.grossMinor;
  c.discountsMinor += d.discountsMinor;
  inner.set(d.productId, c);
}

function bump<K>(map: Map<K, Map<number, number>>, key: K, id: number, by: number) {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  inner.set(id, (inner.get(id) ?? 0) + by);
}

/**
 * The ranking counters (net shop revenue per business month; a product's net items, net, gross
 * and discounts per business month and all time), fed by flush deltas. Counters live in memory; on wake they load from D1's
 * rollups with the last flush of each shard those include (D1 commits a flush before its delta
 * is sent, so nothing is missed), and a delta whose (shard, seq) is not past the last applied
 * one for that shard is ignored.
 */
export class Rankings extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  // Rows read and written here (what applying a flush costs; npm run bench).
  private readonly meter = new RowMeter("rankings");
  private shopRevenue = new Map<string, Map<number, number>>();
  private productCounters = new Map<string, Map<number, ProductCounters>>();
  private lastSeq = new Map<number, number>();
  private readonly topCache = new Map<string, [number, number][]>();
  private readonly recent = new Map<number, { seq: number; deltas: FlushDeltas }[]>();
  private lastNotified = 0;
  // Shops changed since watchers were last told (in memory: a lost set tells bound watchers late).
  private changedShops = new Set<number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = this.meter.wrap(ctx.storage.sql);
    // Keep-alive pings are answered without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage, MIGRATIONS);
      this.load(await rankingsSnapshot(createDb(env.DB)));
    });
  }

  private load(snapshot: RankingsSnapshot) {
    this.shopRevenue = new Map();
    this.productCounters = new Map();
    this.lastSeq = new Map(snapshot.shardSeqs.map((x) => [x.shard, x.seq]));
    this.topCache.clear();
    this.count(snapshot);
  }

  /** Adds deltas to the in-memory counters. */
  private count(deltas: FlushDeltas) {
    for (const d of deltas.shops) bump(this.shopRevenue, d.month, d.shopId, d.netMinor);
    for (const d of deltas.products) {
      bumpProduct(this.productCounters, d.month, d);
      bumpProduct(this.productCounters, ALL_TIME, d);
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
    this.count(deltas);
    this.lastSeq.set(shard, seq);
    this.meter.settle();
    for (const d of deltas.shops) this.changedShops.add(d.shopId);
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
    // The shops this watcher may hear of (set by the Worker's page, docs/API.md#managers).
    const shops = request.headers.get(WATCHED_SHOPS_HEADER);
    server.serializeAttachment({ shops: shops ? (JSON.parse(shops) as number[] | null) : null });
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
      const changed = this.changedShops;
      this.changedShops = new Set();
      for (const ws of watchers) {
        const shops = (ws.deserializeAttachment() as { shops: number[] | null } | null)?.shops;
        // A watcher bound to some shops hears only of changes to them.
        if (!shops || shops.some((s) => changed.has(s))) ws.send(message);
      }
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
  topProducts(month: string | null, by: ProductRanking = "quantity"): RankedProduct[] {
    const counters = this.productCounters.get(month ?? ALL_TIME);
    const value = (c: ProductCounters) => (by === "net" ? c.netMinor : c.quantity);
    const ranked = this.cachedTop(`products:${by}:${month ?? ALL_TIME}`, () =>
      topOf(counters && new Map([...counters].map(([id, c]) => [id, value(c)]))),
    );
    return ranked.map(([productId]) => ({
      productId,
      ...(counters?.get(productId) as ProductCounters),
    }));
  }

  /** Replaces every counter with a snapshot of the D1 rollups (and the flushes they include). */
  rebuild(snapshot: RankingsSnapshot): { shops: number; products: number; reapplied: number } {
    this.load(snapshot);
    // A flush that reached us after the snapshot was read is not in it: apply it again.
    let reapplied = 0;
    for (const [shard, deltas] of this.recent) {
      this.recent.set(shard, []);
      for (const d of deltas) if (this.apply(shard, d.seq, d.deltas)) reapplied++;
    }
    return { shops: snapshot.shops.length, products: snapshot.products.length, reapplied };
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
