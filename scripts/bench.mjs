// npm run bench: the DESIGN performance table, measured in one run against the built Worker
// served by workerd through Miniflare (no dev proxy), on fresh local state.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BIG = Number(process.env.BENCH_BIG_SALES ?? 1_000_000);

process.env.STATE_DIR = mkdtempSync(path.join(os.tmpdir(), "retail-edge-bench-"));
ensureDevVars();
const scriptPath = build("scripts/bench/worker.ts");
migrate();
const { mf, url } = await startRuntime({
  port: 0,
  scriptPath,
  bindings: { REPORT_CACHE_SECONDS: "0" },
});
// The naive baseline's table, with the same key as `sales`.
await (await mf.getD1Database("DB")).exec(
  "CREATE TABLE naive_sales (id INTEGER PRIMARY KEY, shop_id INTEGER NOT NULL, sale_id TEXT NOT NULL, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL, sold_at INTEGER NOT NULL, UNIQUE (shop_id, sale_id))",
);
const base = url.toString().replace(/\/$/, "");
const adminToken = readFileSync(path.join(ROOT, ".dev.vars"), "utf8")
  .match(/^ADMIN_TOKEN=(.*)$/m)?.[1]
  ?.trim();
const adminHeaders = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };

// Peak resident memory of the workerd processes this run started.
const workerdPids = () =>
  execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === process.pid && comm?.startsWith("workerd"))
    .map(([pid]) => Number(pid));
let peakRssKb = 0;
const sampler = setInterval(() => {
  for (const pid of workerdPids()) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const hwm = Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
      peakRssKb = Math.max(peakRssKb, hwm);
    } catch {}
  }
}, 250);

async function post(p, body, headers = adminHeaders) {
  const res = await fetch(`${base}${p}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** Runs `once` from `concurrency` loops for `seconds`; returns completions per second and p50. */
async function load(once, { seconds = SECONDS, concurrency = CONCURRENCY } = {}) {
  const latencies = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < deadline; i += concurrency) {
        const t = performance.now();
        const res = await once(i);
        await res.arrayBuffer();
        if (res.status >= 300) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  if (failures > 0) throw new Error(`${failures} requests failed`);
  return {
    perSecond: latencies.length / elapsed,
    p50: latencies[Math.floor(latencies.length / 2)],
    n: latencies.length,
  };
}

async function p50Of(p, n = 300) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${base}${p}`, { headers: adminHeaders });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${p} → ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
}

const log = (msg) => console.error(`[bench] ${msg}`);

// Catalog: 100 shops (each with its own sales:write key) and 200 products.
log("setting up the catalog");
const shops = [];
for (let i = 0; i < 100; i++) {
  const shop = await post("/api/v1/admin/shops", {
    name: `Shop ${i}`,
    address: `${i} Bench Street`,
  });
  const key = await post("/api/v1/admin/api-keys", {
    name: `till ${i}`,
    scopes: ["sales:write"],
    shop_id: shop.id,
  });
  shops.push({ id: shop.id, key: key.key });
}
const products = [];
for (let i = 0; i < 200; i++) {
  const p = await post("/api/v1/admin/products", {
    name: `Product ${i}`,
    model: `B-${i}`,
    price: 1 + (i % 50) * 10.25,
    release_date: "2024-01-01",
  });
  products.push(p.id);
}
const month = new Date().toISOString().slice(0, 7);
const randomSale = (i) => ({
  product_id: products[(i * 7919) % products.length],
  shop_id: shops[i % shops.length].id,
  quantity: 1 + (i % 5),
});
let totalSales = 0;
async function ingestBatches(count, concurrency = 4) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const size = Math.min(1000, count - next);
        const from = next;
        next += size;
        const sales = Array.from({ length: size }, (_, k) => randomSale(totalSales + from + k));
        const r = await post("/api/v1/sales/batch", { sales });
        if (r.accepted !== size) throw new Error(`batch accepted ${r.accepted} of ${size}`);
      }
    }),
  );
  totalSales += count;
  return count / ((performance.now() - started) / 1000);
}
async function flushAll() {
  const started = performance.now();
  const { flushed } = await post("/api/v1/admin/sales/flush", {});
  return { flushed, seconds: (performance.now() - started) / 1000 };
}

log("1 000 sales, then top-10 latency");
await ingestBatches(1000);
await flushAll();
const smallShopsP50 = await p50Of(`/api/v1/reports/top-shops?month=${month}`);
const smallProductsP50 = await p50Of("/api/v1/reports/top-products");

log(`empty route, ${SECONDS} s x ${CONCURRENCY} connections`);
await load(() => fetch(`${base}/bench/empty`), { seconds: 1 });
const empty = await load(() => fetch(`${base}/bench/empty`));

log("single-sale ingest");
const singleSale = (p) => (i) => {
  const s = randomSale(i + 1_000_000_000);
  const shop = shops.find((x) => x.id === s.shop_id);
  return fetch(`${base}${p}`, {
    method: "POST",
    headers: { authorization: `Bearer ${shop.key}`, "content-type": "application/json" },
    body: JSON.stringify(s),
  });
};
await load(singleSale("/api/v1/sales"), { seconds: 1 });
const ingest = await load(singleSale("/api/v1/sales"));
log("naive one-INSERT-per-request route");
await load(singleSale("/bench/naive-sale"), { seconds: 1 });
const naive = await load(singleSale("/bench/naive-sale"));
await flushAll();

log("batch ingest (1000 sales per request)");
const batchCount = 200_000;
const batchRate = await ingestBatches(batchCount);
const afterBatch = await flushAll();

log(`topping up to ${BIG} sales`);
const topUp = Math.max(0, BIG - totalSales - ingest.n);
const topUpRate = await ingestBatches(topUp);
const bigFlush = await flushAll();
const counted = await (
  await fetch(`${base}/api/v1/reports/top-products`, { headers: adminHeaders })
).json();
const bigShopsP50 = await p50Of(`/api/v1/reports/top-shops?month=${month}`);
const bigProductsP50 = await p50Of("/api/v1/reports/top-products");
const d1 = await (await mf.getD1Database("DB")).prepare("select count(*) as n from sales").first();

log("order upload: 1 000 orders x 3 items");
const upload = await (async () => {
  const times = [];
  let statements = 0;
  const runs = 6;
  for (let r = 0; r < runs; r++) {
    const orders = Array.from({ length: 1000 }, (_, i) => ({
      order_number: `BENCH-${r % 3}-${i}`,
      created_at: "2026-11-20T10:00:00Z",
      total_amount: 45.75,
      status: r < 3 ? "new" : "paid",
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
})();

clearInterval(sampler);
await mf.dispose();
rmSync(process.env.STATE_DIR, { recursive: true, force: true });

const f = (n, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const rows = [
  ["empty route", `${f(empty.perSecond)} req/s`, "baseline"],
  [
    "single-sale ingest",
    `${f(ingest.perSecond)} req/s`,
    `${f(ingest.perSecond / empty.perSecond, 2)} × empty (target ≥ 0.7)`,
  ],
  [
    "naive INSERT per request",
    `${f(naive.perSecond)} req/s`,
    `ingest is ${f(ingest.perSecond / naive.perSecond, 2)} × naive (target ≥ 3)`,
  ],
  ["batch ingest", `${f(batchRate)} sales/s`, "target ≥ 50 000"],
  [
    "D1 backlog after the 200 000-sale burst",
    `${f(afterBatch.flushed)} sales`,
    `written in ${f(afterBatch.seconds, 1)} s (flushes keep pace during the burst)`,
  ],
  [`top-shops p50 at ${f(1000)} sales`, `${f(smallShopsP50, 2)} ms`, ""],
  [
    `top-shops p50 at ${f(Number(d1.n))} sales`,
    `${f(bigShopsP50, 2)} ms`,
    `ratio ${f(bigShopsP50 / smallShopsP50, 2)} (target ≤ 1.5)`,
  ],
  [`top-products p50 at ${f(1000)} sales`, `${f(smallProductsP50, 2)} ms`, ""],
  [
    `top-products p50 at ${f(Number(d1.n))} sales`,
    `${f(bigProductsP50, 2)} ms`,
    `ratio ${f(bigProductsP50 / smallProductsP50, 2)} (target ≤ 1.5)`,
  ],
  [
    "batch ingest up to 1 M (sustained)",
    `${f(topUpRate)} sales/s`,
    `backlog of ${f(bigFlush.flushed)} written in ${f(bigFlush.seconds, 1)} s`,
  ],
  [
    "upload 1 000 orders × 3 items",
    `${f(upload.ms)} ms`,
    `${upload.statements} D1 statements in 1 batch (median of ${upload.runs}: create, then update)`,
  ],
  ["peak workerd memory (VmHWM)", `${f(peakRssKb / 1024)} MiB`, ""],
];
console.log(
  `\nRetail Edge benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `${SECONDS} s per HTTP phase, ${CONCURRENCY} concurrent connections from one Node process on the same machine.\n`,
);
console.log("| measure | result | note |\n| --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(
  `\nsales in D1: ${f(Number(d1.n))}; all-time top product quantity: ${counted.items[0]?.quantity}`,
);
