// The measured phases of `npm run bench`, in order, sharing one runtime and one D1.
import { createTerminal, memoryStore } from "../../packages/terminal/dist/index.js";
import { receiptsPhase } from "./receipts.mjs";

export async function runPhases(kit) {
  const { log, base, shops, randomSale, load, p50Of, month, ingestBatches, flushAll, d1, BIG } =
    kit;
  const r = {};

  log("1 000 sales over the past year, then top-10 and range-report latency");
  await ingestBatches(1000, { spreadDays: 365 });
  await flushAll();
  // The empty route read the same way, here and at the end: the machine's own drift between.
  r.smallEmptyP50 = await p50Of("/api/bench/empty");
  r.smallShopsP50 = await p50Of(`/api/v1/reports/top-shops?month=${month}`);
  r.smallProductsP50 = await p50Of("/api/v1/reports/top-products");
  r.smallRanges = await rangeP50s(kit);

  log(`empty route, ${kit.SECONDS} s`);
  await load(() => fetch(`${base}/api/bench/empty`), { seconds: 1 });
  r.empty = await load(() => fetch(`${base}/api/bench/empty`));

  const singleSale = (p) => (i) => {
    const s = randomSale(i + 1_000_000_000);
    const shop = shops.find((x) => x.id === s.shop_id);
    return fetch(`${base}${p}`, {
      method: "POST",
      headers: { authorization: `Bearer ${shop.key}`, "content-type": "application/json" },
      body: JSON.stringify(s),
    });
  };
  log("ceilings: a shard round trip, one durable write, the Worker's work for a sale alone");
  await load(() => fetch(`${base}/api/bench/shard-read`), { seconds: 1 });
  r.shardRead = await load(() => fetch(`${base}/api/bench/shard-read`));
  // The sale's body, written as one row by an object of the bench's own: the platform's write.
  await load(singleSale("/api/bench/shard-write"), { seconds: 1 });
  r.shardWrite = await load(singleSale("/api/bench/shard-write"));
  await load(singleSale("/api/bench/sale-unstored"), { seconds: 1 });
  r.unstored = await load(singleSale("/api/bench/sale-unstored"));
  log("single-sale ingest");
  await load(singleSale("/api/v1/sales"), { seconds: 1 });
  await flushAll();
  await kit.rowCounts(true);
  r.ingest = await load(singleSale("/api/v1/sales"));
  await flushAll();
  r.singleRows = perSale(await kit.rowCounts(true), r.ingest.n);
  // The empty route again: the single sale is compared with both runs of it (this machine's
  // speed drifts within a run by more than the difference being measured).
  r.emptyAfter = await load(() => fetch(`${base}/api/bench/empty`));
  log("naive one-INSERT-per-request route");
  await load(singleSale("/api/bench/naive-sale"), { seconds: 1 });
  r.naive = await load(singleSale("/api/bench/naive-sale"));
  await flushAll();

  log("batch: the Worker's work alone, 100 000 sales");
  r.batchUnstored = await kit.ingestBatches(100_000, { path: "/api/bench/batch-unstored" });

  const counted = async () =>
    Number((await d1.prepare("select count(*) as n from sales").first()).n);
  const start = await counted();
  r.ceilingV4 = kit.ceilings.v4;
  await kit.rowCounts(true);
  log(`batch ingest with client ids, from ${start} to ${BIG} sales in D1`);
  const segments = [];
  const started = performance.now();
  let heap = Promise.resolve(0);
  await ingestBatches(BIG - start, {
    onSegment: (rate) => {
      segments.push(rate);
      if (segments.length === 5) heap = kit.sampleHeap();
    },
  });
  r.heapPeak = await heap;
  r.finalFlush = await flushAll();
  r.sustained = (BIG - start) / ((performance.now() - started) / 1000);
  r.segments = segments;
  r.inD1 = await counted();
  r.batchRows = perSale(await kit.rowCounts(true), BIG - start);

  r.ceilingV7 = kit.ceilings.v7;
  log(`batch ingest with UUIDv7 ids, from ${r.inD1} to ${r.inD1 + BIG} sales in D1`);
  const v7Segments = [];
  const v7Started = performance.now();
  await ingestBatches(BIG, { ids: "v7", onSegment: (rate) => v7Segments.push(rate) });
  await flushAll();
  r.sustainedV7 = BIG / ((performance.now() - v7Started) / 1000);
  r.segmentsV7 = v7Segments;

  log("batch ingest through the terminal SDK (UUIDv7 ids, 8 terminals), 100 000 sales");
  r.viaSdk = await sdkRate(kit, 100_000);
  await flushAll();

  log("3-line receipts against one-line sales, 200 000 each, from the same point of D1");
  r.receipts = await receiptsPhase(kit);

  log("batch ingest without ids (server ids), 100 000 sales");
  r.withoutIds = await ingestBatches(100_000, { withIds: false });
  await flushAll();

  log("refunds: 20 000 sales, then a refund of each, in batches");
  r.refunds = await refundRate(kit);
  await flushAll();
  r.refundRows = perSale(await kit.rowCounts(true), 20_000);

  log("top-10 and range-report latency at the end");
  r.atEnd = await counted();
  r.bigEmptyP50 = await p50Of("/api/bench/empty");
  r.bigShopsP50 = await p50Of(`/api/v1/reports/top-shops?month=${month}`);
  r.bigProductsP50 = await p50Of("/api/v1/reports/top-products");
  r.bigRanges = await rangeP50s(kit);
  r.topQuantity = (
    await (await fetch(`${base}/api/v1/reports/top-products`, { headers: kit.adminHeaders })).json()
  ).items[0]?.quantity;

  log("order upload: 1 000 orders x 3 items");
  r.upload = await uploadOrders(kit);
  return r;
}

/** Rows per sale (or refund) by table, and the requests the objects served, per sale. */
function perSale({ tables, requests }, count) {
  const rows = Object.entries(tables)
    .map(([table, t]) => ({ table, written: t.written / count, read: t.read / count }))
    .sort((a, b) => b.written - a.written);
  const sum = (k) => rows.reduce((total, row) => total + row[k], 0);
  return { rows, written: sum("written"), read: sum("read"), doRequests: requests / count, count };
}

/** Sales/s through the SDK: 8 terminals (one shop each) queue in memory and send 1 000 a batch. */
async function sdkRate({ base, shops, randomSale }, count) {
  const terminals = shops.slice(0, 8).map((shop, i) =>
    createTerminal({
      baseUrl: base,
      apiKey: shop.key,
      shopId: shop.id,
      terminalId: `BENCH-${i}`,
      store: memoryStore(),
      flushAt: 1000,
      flushIntervalMs: 50,
    }),
  );
  for (const t of terminals) await t.start();
  const started = performance.now();
  await Promise.all(
    terminals.map(async (t, i) => {
      for (let k = 0; k < count / terminals.length; k++) {
        const { product_id, quantity } = randomSale(3_000_000_000 + i * count + k, false);
        await t.sell({ product_id, quantity });
      }
      while ((await t.stats()).queued > 0) await t.flush();
      t.stop();
    }),
  );
  const sent = terminals.reduce((n, t) => n + t.rejected.length, 0);
  if (sent > 0) throw new Error(`${sent} SDK sales rejected`);
  return count / ((performance.now() - started) / 1000);
}

const DAY_MS = 86_400_000;
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * p50 of the range reports (docs/API.md#range-reports). Each request ends its range a day earlier than the one
 * before (50 ranges in turn), so the 1 s report cache never answers: this is the rollups' cost.
 */
async function rangeP50s({ p50Of }) {
  const ranges = (days) => (i) => {
    const to = Date.now() - (i % 50) * DAY_MS;
    return { from: day(to - (days - 1) * DAY_MS), to: day(to) };
  };
  const year = ranges(365);
  const quarter = ranges(91);
  const q = (range, extra) => new URLSearchParams({ ...range, ...extra }).toString();
  return {
    yearByDay: await p50Of((i) => `/api/v1/reports/sales?${q(year(i), { interval: "day" })}`, 100),
    yearByMonth: await p50Of(
      (i) => `/api/v1/reports/sales?${q(year(i), { interval: "month" })}`,
      100,
    ),
    quarterTopShops: await p50Of((i) => `/api/v1/reports/top-shops?${q(quarter(i))}`, 100),
  };
}

/** Refunds per second: each of 20 000 fresh sales refunded once, 1 000 a batch, 4 in flight. */
async function refundRate({ post, randomSale, flushAll, rowCounts }) {
  const sales = Array.from({ length: 20_000 }, (_, i) => randomSale(2_000_000_000 + i));
  for (let i = 0; i < sales.length; i += 1000)
    await post("/api/v1/sales/batch", { sales: sales.slice(i, i + 1000) });
  // The refunds' rows are counted apart from their sales'.
  await flushAll();
  await rowCounts(true);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < sales.length) {
        const chunk = sales.slice(next, next + 1000);
        next += 1000;
        const refunds = chunk.map((s) => ({
          type: "refund",
          id: `r-${s.id}`,
          shop_id: s.shop_id,
          sale_id: s.id,
          quantity: 1,
        }));
        const res = await post("/api/v1/sales/batch", { sales: refunds });
        if (res.accepted !== chunk.length) throw new Error(`refunds accepted ${res.accepted}`);
      }
    }),
  );
  return sales.length / ((performance.now() - started) / 1000);
}

async function uploadOrders({ base, adminHeaders }) {
  const times = [];
  let statements = 0;
  const runs = 6;
  for (let run = 0; run < runs; run++) {
    const orders = Array.from({ length: 1000 }, (_, i) => ({
      order_number: `BENCH-${run % 3}-${i}`,
      created_at: "2026-11-20T10:00:00Z",
      total_amount: 45.75,
      status: run < 3 ? "new" : "paid",
      items: [1, 2, 3].map((k) => ({
        sku: `SKU-${k}`,
        name: `Item ${k}`,
        quantity: k,
        price: 7.62,
      })),
    }));
    const t = performance.now();
    const res = await fetch(`${base}/api/orders/upload`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ user: "bench_seller", orders }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`upload → ${res.status}`);
    times.push(performance.now() - t);
    statements = Number(res.headers.get("server-timing")?.match(/(\d+) statements/)?.[1] ?? 0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], statements, runs };
}
