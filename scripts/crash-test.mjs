// npm run crash-test: posts sales and refunds under load (some sent twice at once, as a
// terminal's retry racing its original, some sent again later), kills the runtime with SIGKILL
// mid-load, restarts it on the same local state, and checks that every sale and refund answered
// 202 is in D1 exactly once, that no id was ever answered `accepted` twice, and that the reports'
// net figures equal D1's. CRASH_CONCURRENCY (default 16) and CRASH_LOAD_MS (4000) scale it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { createTerminal } from "../packages/terminal/dist/index.js";
import { fileStore } from "../packages/terminal/dist/stores/file.js";
import { stateDir } from "./lib/runtime.mjs";
import { startServer } from "./lib/server.mjs";

const PORT = Number(process.env.CRASH_PORT ?? 8798);
const BASE = `http://127.0.0.1:${PORT}`;
const LOAD_MS = Number(process.env.CRASH_LOAD_MS ?? 4000);
const CONCURRENCY = Number(process.env.CRASH_CONCURRENCY ?? 16);
process.env.STATE_DIR = mkdtempSync(path.join(os.tmpdir(), "retail-edge-crash-"));
const log = (m) => console.error(`[crash-test] ${m}`);
const start = () => startServer({ port: PORT, stateDir: stateDir(), seed: false });

let server = await start();
// Nothing was seeded: the banner names no demo account that does not exist.
const bannerHonest = !/web admin:|owner:\s+owner/.test(server.output());
console.log(`the banner lists no demo account on an empty database: ${bannerHonest}`);
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
    (
      await post("/api/v1/admin/shops", {
        name: `Crash ${i}`,
        address: `${i} Crash Road`,
        time_zone: ["Europe/Moscow", "Asia/Vladivostok", "UTC"][i % 3],
        day_starts_at: i % 2 ? "04:00" : "00:00",
      })
    ).json.id,
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
  const shop_id = shops[(n * 5) % shops.length];
  // Every third sale is a receipt of three lines with tax and a basket discount.
  if (n % 3 === 0) {
    return {
      id,
      shop_id,
      lines: [0, 1, 2].map((k) => ({
        product_id: products[(n + k) % products.length],
        quantity: 1 + ((n + k) % 3),
        tax: 0.1,
      })),
      discount: 0.05,
    };
  }
  return { id, product_id: products[n % products.length], shop_id, quantity: 1 + (n % 3) };
};
// Every `accepted` answer by key: a terminal that counts its acknowledgements must never see two.
const acceptedAnswers = new Map();
let answersRead = 0;
const countAnswers = (items, res) => {
  if (res.status !== 202) return;
  const statuses = res.json.results?.map((r) => r.status) ?? [res.json.status];
  items.forEach((item, i) => {
    answersRead++;
    if (statuses[i] === "accepted")
      acceptedAnswers.set(keyOf(item), (acceptedAnswers.get(keyOf(item)) ?? 0) + 1);
  });
};
let racedRetries = 0;
let laterRetries = 0;
const sent = [];
async function loader(useBatch, index) {
  let turn = 0;
  while (!stop) {
    turn++;
    // Every fifth request of a loader sends again what another sent a moment ago (a retry after
    // a lost answer); every seventh goes out twice at once (a retry racing its original).
    const again = turn % 5 === 0 && sent.length > 0;
    const sales = again
      ? sent[(index * 7919 + turn) % sent.length]
      : useBatch
        ? Array.from({ length: 50 }, newSale)
        : [newSale()];
    if (again) laterRetries += sales.length;
    else {
      for (const s of sales) attempted.set(keyOf(s), s);
      sent.push(sales);
      if (sent.length > 200) sent.shift();
    }
    const copies = !again && turn % 7 === 0 ? 2 : 1;
    if (copies === 2) racedRetries += sales.length;
    const one = async () => {
      const res =
        sales.length > 1 || useBatch
          ? await post("/api/v1/sales/batch", { sales })
          : await post("/api/v1/sales", sales[0]);
      countAnswers(sales, res);
      if (res.status === 202) {
        for (const s of sales) {
          if (!acknowledged.has(keyOf(s))) trackAck(s);
          acknowledged.add(keyOf(s));
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: copies }, one));
    } catch {
      // The connection died with the runtime: the outcome is unknown, not acknowledged.
    }
  }
}
// Every seventh acknowledged sale gets a refund of one item, sent while the load goes on.
const refundable = [];
const attemptedRefunds = new Map(); // key → refund
const acknowledgedRefunds = new Set();
let acked = 0;
const trackAck = (s) => {
  if (++acked % 7 === 0) refundable.push(s);
};
async function refunder() {
  while (!stop) {
    const sale = refundable.shift();
    if (!sale) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    // One item back: of the sale, or of a receipt's first line.
    const refund = sale.lines
      ? {
          id: `r-${sale.id}`,
          shop_id: sale.shop_id,
          sale_id: sale.id,
          lines: [{ line: 1, quantity: 1 }],
        }
      : { id: `r-${sale.id}`, shop_id: sale.shop_id, sale_id: sale.id, quantity: 1 };
    attemptedRefunds.set(keyOf(refund), {
      ...refund,
      product_id: sale.lines ? sale.lines[0].product_id : sale.product_id,
    });
    try {
      const res = await post("/api/v1/refunds", refund);
      countAnswers([refund], res);
      if (res.status === 202) acknowledgedRefunds.add(keyOf(refund));
    } catch {
      // Unknown outcome: the terminal retries it after the restart.
    }
  }
}
// Two terminals send through the SDK (UUIDv7 ids, file stores): a sale counts as theirs once
// `sell` resolved (durable on the terminal's disk), and must reach D1 exactly once.
const filesDir = mkdtempSync(path.join(os.tmpdir(), "retail-edge-crash-terminals-"));
const sdkTerminals = [];
for (const [i, shopId] of shops.slice(0, 2).entries()) {
  const key = (
    await post("/api/v1/admin/api-keys", {
      name: `sdk ${i}`,
      scopes: ["sales:write"],
      shop_id: shopId,
    })
  ).json.key;
  const store = await fileStore(path.join(filesDir, `t${i}.log`));
  const terminal = createTerminal({
    baseUrl: BASE,
    apiKey: key,
    shopId,
    terminalId: `SDK-${i}`,
    store,
    flushAt: 100,
    flushIntervalMs: 50,
    maxBackoffMs: 300,
  });
  await terminal.start();
  sdkTerminals.push({ terminal, store, shopId });
}
let sdkSold = 0;
const sdkMade = new Map(); // key → sale made through the SDK
async function sdkLoader({ terminal, shopId }) {
  while (!stop) {
    const sale = { product_id: products[n++ % products.length], quantity: 1 + (n % 3) };
    const { id } = await terminal.sell(sale);
    const stored = { id, shop_id: shopId, ...sale };
    sdkMade.set(keyOf(stored), stored);
    acknowledged.add(keyOf(stored));
    sdkSold++;
    await new Promise((r) => setTimeout(r, 2));
  }
}
log(`loading for ${LOAD_MS} ms, then SIGKILL`);
const loaders = [
  ...sdkTerminals.map(sdkLoader),
  ...Array.from({ length: CONCURRENCY }, (_, i) => loader(i % 4 === 0, i)),
  ...Array.from({ length: 4 }, refunder),
];
await new Promise((r) => setTimeout(r, LOAD_MS));
await server.kill("SIGKILL");
stop = true;
await Promise.all(loaders);
const ackedBeforeKill = acknowledged.size;
const refundsAckedBeforeKill = acknowledgedRefunds.size;
log(
  `killed with ${ackedBeforeKill} sales and ${refundsAckedBeforeKill} refunds acknowledged of ${attempted.size} and ${attemptedRefunds.size} attempted`,
);

server = await start();
log("restarted on the same state; terminals retry every sale they sent");
for (const { terminal, store } of sdkTerminals) {
  while ((await store.size()) > 0) await terminal.flush();
  terminal.stop();
  await store.close();
}
rmSync(filesDir, { recursive: true, force: true });
log(`the SDK terminals delivered their ${sdkSold} sales`);
const retried = [...attempted.values()];
for (let i = 0; i < retried.length; i += 1000) {
  const res = await post("/api/v1/sales/batch", { sales: retried.slice(i, i + 1000) });
  countAnswers(retried.slice(i, i + 1000), res);
  if (res.status !== 202 || res.json.rejected.length > 0)
    throw new Error(`retry failed: ${JSON.stringify(res.json)}`);
  for (const s of retried.slice(i, i + 1000)) acknowledged.add(keyOf(s));
}
const retriedRefunds = [...attemptedRefunds.values()].map(({ product_id, ...r }) => ({
  type: "refund",
  ...r,
}));
for (let i = 0; i < retriedRefunds.length; i += 1000) {
  const res = await post("/api/v1/sales/batch", { sales: retriedRefunds.slice(i, i + 1000) });
  countAnswers(retriedRefunds.slice(i, i + 1000), res);
  if (res.status !== 202 || res.json.rejected.length > 0)
    throw new Error(`refund retry failed: ${JSON.stringify(res.json)}`);
  for (const r of retriedRefunds.slice(i, i + 1000)) acknowledgedRefunds.add(keyOf(r));
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
/** Of these `shop:id` keys, how many a table holds, and how many it holds more than once. */
async function storedOnce(keys, table, idColumn) {
  let found = 0;
  let duplicated = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500).map((key) => key.split(":"));
    const { results } = await db
      .prepare(
        `select t.shop_id, t.${idColumn}, count(*) as n from ${table} t
         join json_each(?) j on t.shop_id = j.value ->> '$[0]' and t.${idColumn} = j.value ->> '$[1]'
         group by t.shop_id, t.${idColumn}`,
      )
      .bind(JSON.stringify(chunk.map(([shop, id]) => [Number(shop), id])))
      .all();
    found += results.length;
    duplicated += results.filter((r) => r.n > 1).length;
  }
  return { found, duplicated };
}
const ids = [...acknowledged];
let { found, duplicated } = await storedOnce(ids, "sales", "sale_id");
const refundIds = [...acknowledgedRefunds];
const { found: refundsFound, duplicated: refundsDuplicated } = await storedOnce(
  refundIds,
  "refunds",
  "refund_id",
);
const shopsPerId = new Map();
for (const s of attempted.values()) shopsPerId.set(s.id, (shopsPerId.get(s.id) ?? 0) + 1);
const sharedIds = [...shopsPerId.values()].filter((shopCount) => shopCount > 1).length;
const truth = await db
  .prepare(
    `select product_id, sum(q) as q from (
       select l.value ->> 0 as product_id, l.value ->> 1 as q from sales s, json_each(s.lines) l
       union all select l.value ->> 1, -(l.value ->> 2) from refunds r, json_each(r.lines) l)
     group by product_id order by q desc, product_id limit 10`,
  )
  .all();
const expectedQuantity = new Map();
const count = (productId, quantity) =>
  expectedQuantity.set(productId, (expectedQuantity.get(productId) ?? 0) + quantity);
for (const s of [...attempted.values(), ...sdkMade.values()]) {
  for (const l of s.lines ?? [s]) count(l.product_id, l.quantity ?? 1);
}
for (const r of attemptedRefunds.values()) count(r.product_id, -1);
await mf.dispose();
rmSync(stateDir(), { recursive: true, force: true });

const reportMatches =
  JSON.stringify(report.items.map((i) => [i.product_id, i.quantity])) ===
  JSON.stringify(truth.results.map((r) => [r.product_id, r.q]));
const countsExact = truth.results.every((r) => expectedQuantity.get(r.product_id) === r.q);
const lost = ids.length - found + (refundIds.length - refundsFound);
duplicated += refundsDuplicated;
console.log(
  `${ackedBeforeKill} acknowledged before the kill (${attempted.size} sent), ${ids.length} after the retries`,
);
console.log(
  `${refundsAckedBeforeKill} refunds acknowledged before the kill (${attemptedRefunds.size} sent), ${refundIds.length} after the retries, ${refundsFound} found, ${refundIds.length - refundsFound} lost, ${refundsDuplicated} duplicated`,
);
console.log(
  `net reports equal D1: ${reportMatches}; every product's net quantity counted exactly once: ${countsExact}`,
);
console.log(`${sharedIds} ids were used by two shops; each (shop, id) is a sale of its own`);
console.log(`${sdkSold} of the sales went through the terminal SDK (file stores, UUIDv7 ids)`);
const acceptedTwice = [...acceptedAnswers.values()].filter((n) => n > 1).length;
console.log(
  `${answersRead} answers read (${racedRetries} items sent twice at once, ${laterRetries} sent again later, every item again after the restart): ${acceptedTwice} ids answered accepted more than once`,
);
console.log(
  `${ids.length + refundIds.length} acknowledged, ${found + refundsFound} found, ${lost} lost, ${duplicated} duplicated`,
);
process.exit(
  lost === 0 &&
    duplicated === 0 &&
    acceptedTwice === 0 &&
    reportMatches &&
    countsExact &&
    bannerHonest
    ? 0
    : 1,
);
