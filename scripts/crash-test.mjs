// npm run crash-test: posts sales under load, kills the runtime with SIGKILL mid-load, restarts
// it on the same local state, and checks that every sale answered 202 is in D1 exactly once
// and in the reports.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { stateDir } from "./lib/runtime.mjs";
import { startServer } from "./lib/server.mjs";

const PORT = Number(process.env.CRASH_PORT ?? 8798);
const BASE = `http://127.0.0.1:${PORT}`;
const LOAD_MS = Number(process.env.CRASH_LOAD_MS ?? 4000);
const CONCURRENCY = 16;
process.env.STATE_DIR = mkdtempSync(path.join(os.tmpdir(), "retail-edge-crash-"));
const log = (m) => console.error(`[crash-test] ${m}`);
const start = () => startServer({ port: PORT, stateDir: stateDir(), seed: false });

let server = await start();
const headers = {
  authorization: `Bearer ${server.adminToken}`,
  "content-type": "application/json",
};
async function post(p, body) {
  const res = await fetch(`${BASE}${p}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

log("server up; creating the catalog");
const shops = [];
const products = [];
for (let i = 0; i < 12; i++)
  shops.push(
    (await post("/api/v1/admin/shops", { name: `Crash ${i}`, address: `${i} Crash Road` })).json.id,
  );
for (let i = 0; i < 12; i++) {
  products.push(
    (
      await post("/api/v1/admin/products", {
        name: `Crash ${i}`,
        model: "C",
        price: 1 + i * 0.25,
        release_date: "2024-01-01",
      })
    ).json.id,
  );
}

// A sale's identity is (shop_id, id): every fifth sale reuses the previous sale's id in another
// shop (terminals of different shops may number receipts alike), and both must be kept.
const keyOf = (s) => `${s.shop_id}:${s.id}`;
const attempted = new Map(); // key → sale
const acknowledged = new Set(); // keys
let stop = false;
let n = 0;
let previousId = crypto.randomUUID();
const newSale = () => {
  n++;
  const id = n % 5 === 0 ? previousId : crypto.randomUUID();
  previousId = id;
  return {
    id,
    product_id: products[n % products.length],
    shop_id: shops[(n * 5) % shops.length],
    quantity: 1 + (n % 3),
  };
};
async function loader(useBatch) {
  while (!stop) {
    const sales = useBatch ? Array.from({ length: 50 }, newSale) : [newSale()];
    for (const s of sales) attempted.set(keyOf(s), s);
    try {
      const res = useBatch
        ? await post("/api/v1/sales/batch", { sales })
        : await post("/api/v1/sales", sales[0]);
      if (res.status === 202) for (const s of sales) acknowledged.add(keyOf(s));
    } catch {
      // The connection died with the runtime: the outcome is unknown, not acknowledged.
    }
  }
}
log(`loading for ${LOAD_MS} ms, then SIGKILL`);
const loaders = Array.from({ length: CONCURRENCY }, (_, i) => loader(i % 4 === 0));
await new Promise((r) => setTimeout(r, LOAD_MS));
await server.kill("SIGKILL");
stop = true;
await Promise.all(loaders);
const ackedBeforeKill = acknowledged.size;
log(`killed with ${ackedBeforeKill} acknowledged of ${attempted.size} attempted`);

server = await start();
log("restarted on the same state; terminals retry every sale they sent");
const retried = [...attempted.values()];
for (let i = 0; i < retried.length; i += 1000) {
  const res = await post("/api/v1/sales/batch", { sales: retried.slice(i, i + 1000) });
  if (res.status !== 202 || res.json.rejected.length > 0)
    throw new Error(`retry failed: ${JSON.stringify(res.json)}`);
  for (const s of retried.slice(i, i + 1000)) acknowledged.add(keyOf(s));
}
await post("/api/v1/admin/sales/flush", {});
const report = await fetch(`${BASE}/api/v1/reports/top-products`, { headers }).then((r) =>
  r.json(),
);
await server.kill("SIGTERM");

// Read D1 as it is on disk, with the runtime stopped.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    script: "export default {}",
    d1Databases: { DB: "00000000-0000-0000-0000-000000000000" },
    resourcePersistencePath: path.join(stateDir(), "v3"),
  }),
);
let db;
try {
  db = await mf.getD1Database("DB");
} catch {
  await mf.dispose();
  throw new Error("could not open the persisted D1");
}
const ids = [...acknowledged];
let found = 0;
let duplicated = 0;
for (let i = 0; i < ids.length; i += 500) {
  const chunk = ids.slice(i, i + 500).map((key) => key.split(":"));
  const { results } = await db
    .prepare(
      `select s.shop_id, s.sale_id, count(*) as n from sales s
       join json_each(?) j on s.shop_id = j.value ->> '$[0]' and s.sale_id = j.value ->> '$[1]'
       group by s.shop_id, s.sale_id`,
    )
    .bind(JSON.stringify(chunk.map(([shop, id]) => [Number(shop), id])))
    .all();
  found += results.length;
  duplicated += results.filter((r) => r.n > 1).length;
}
const shopsPerId = new Map();
for (const s of attempted.values()) shopsPerId.set(s.id, (shopsPerId.get(s.id) ?? 0) + 1);
const sharedIds = [...shopsPerId.values()].filter((shopCount) => shopCount > 1).length;
const truth = await db
  .prepare(
    "select product_id, sum(quantity) as q from sales group by product_id order by q desc, product_id limit 10",
  )
  .all();
const expectedQuantity = new Map();
for (const s of attempted.values())
  expectedQuantity.set(s.product_id, (expectedQuantity.get(s.product_id) ?? 0) + s.quantity);
await mf.dispose();
rmSync(stateDir(), { recursive: true, force: true });

const reportMatches =
  JSON.stringify(report.items.map((i) => [i.product_id, i.quantity])) ===
  JSON.stringify(truth.results.map((r) => [r.product_id, r.q]));
const countsExact = truth.results.every((r) => expectedQuantity.get(r.product_id) === r.q);
const lost = ids.length - found;
console.log(
  `${ackedBeforeKill} acknowledged before the kill (${attempted.size} sent), ${ids.length} after the retries`,
);
console.log(
  `reports equal D1: ${reportMatches}; every product counted exactly once: ${countsExact}`,
);
console.log(`${sharedIds} ids were used by two shops; each (shop, id) is a sale of its own`);
console.log(`${ids.length} acknowledged, ${found} found, ${lost} lost, ${duplicated} duplicated`);
process.exit(lost === 0 && duplicated === 0 && reportMatches && countsExact ? 0 : 1);
