// npm run terminals -- --shops 10 --terminals 50 --rate 200 --minutes 1 [--base-url URL --key KEY]
// Terminals built on the SDK (packages/terminal) selling realistic baskets, refunding some
// sales, some going offline for a while, against a local server (started here on its own
// state) or a deployed one (--base-url, --key: the operator's token). Ends with the server-side
// check: every transaction the terminals made is in the reports exactly once.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTerminal, memoryStore } from "../packages/terminal/dist/index.js";
import { startServer } from "./lib/server.mjs";

const { values: args } = parseArgs({
  options: {
    shops: { type: "string", default: "10" },
    terminals: { type: "string", default: "50" },
    rate: { type: "string", default: "200" },
    minutes: { type: "string", default: "1" },
    "base-url": { type: "string" },
    key: { type: "string" },
    port: { type: "string", default: "8795" },
  },
});
const SHOPS = Number(args.shops);
const TERMINALS = Number(args.terminals);
const RATE = Number(args.rate); // transactions per second, all terminals together
const SECONDS = Number(args.minutes) * 60;

let server = null;
let base = args["base-url"];
let token = args.key;
let state = null;
if (!base) {
  state = mkdtempSync(path.join(os.tmpdir(), "retail-edge-terminals-"));
  process.stderr.write("starting a local server on fresh state…\n");
  server = await startServer({ port: Number(args.port), stateDir: state, seed: false });
  base = server.base;
  token = server.adminToken;
}
const api = async (method, p, body, key = token) => {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${await res.text()}`);
  return res.json();
};

const zones = [
  "Europe/Kaliningrad",
  "Europe/Moscow",
  "Asia/Yekaterinburg",
  "Asia/Novosibirsk",
  "Asia/Vladivostok",
];
const run = Date.now().toString(36);
const products = [];
for (let i = 0; i < 30; i++) {
  const price = [49.9, 99, 149.5, 399, 1299, 2490][i % 6];
  products.push(
    await api("POST", "/api/v1/admin/products", {
      name: `Sim ${run} ${i}`,
      model: "SIM",
      price,
      release_date: "2024-01-01",
    }),
  );
}
const shops = [];
for (let i = 0; i < SHOPS; i++) {
  const shop = await api("POST", "/api/v1/admin/shops", {
    name: `Sim shop ${run} ${i}`,
    address: `${i + 1} Simulation St`,
    time_zone: zones[i % zones.length],
    day_starts_at: i % 4 === 3 ? "04:00" : "00:00",
  });
  const { key } = await api("POST", "/api/v1/admin/api-keys", {
    name: `sim ${i}`,
    scopes: ["sales:write"],
    shop_id: shop.id,
  });
  shops.push({ ...shop, key });
}

// What each shop's terminals made: the truth the server is checked against.
const made = new Map(
  shops.map((s) => [s.id, { sales: 0, refunds: 0, items: 0, refundedItems: 0 }]),
);
const terminals = Array.from({ length: TERMINALS }, (_, i) => {
  const shop = shops[i % shops.length];
  const t = createTerminal({
    baseUrl: base,
    apiKey: shop.key,
    shopId: shop.id,
    terminalId: `SIM-${run}-${i}`,
    store: memoryStore(),
    flushAt: 20,
    flushIntervalMs: 500,
    maxBackoffMs: 2000,
  });
  return { t, shop, offlineUntil: 0, recent: [] };
});
for (const x of terminals) await x.t.start();

const started = Date.now();
let done = 0;
let lastTenth = -1;
const bar = () => {
  const f = Math.min(1, (Date.now() - started) / (SECONDS * 1000));
  // A bar on a terminal; a line per tenth of the way otherwise (CI logs).
  if (!process.stderr.isTTY) {
    if (Math.floor(f * 10) > lastTenth) {
      lastTenth = Math.floor(f * 10);
      process.stderr.write(`${Math.round(f * 100)}%: ${done} transactions\n`);
    }
    return;
  }
  const width = 30;
  const queued = terminals.filter((x) => x.offlineUntil > Date.now()).length;
  process.stderr.write(
    `\r[${"#".repeat(Math.round(f * width)).padEnd(width)}] ${Math.round(f * 100)}% ${done} transactions, ${queued} terminals offline `,
  );
};
const ticker = setInterval(bar, 250);
const pick = (list) => list[Math.floor(Math.random() * list.length)];

while (Date.now() - started < SECONDS * 1000) {
  const x = pick(terminals);
  // Now and then a terminal loses its network for 5–20 s: it keeps selling into its queue.
  if (Math.random() < 0.002) {
    x.offlineUntil = Date.now() + 5000 + Math.random() * 15000;
    x.t.stop();
    setTimeout(() => void x.t.start(), x.offlineUntil - Date.now());
  }
  const m = made.get(x.shop.id);
  if (x.recent.length > 0 && Math.random() < 0.05) {
    const sale = x.recent.splice(Math.floor(Math.random() * x.recent.length), 1)[0];
    await x.t.refund({ sale_id: sale.id, quantity: 1 });
    m.refunds++;
    m.refundedItems++;
    done++;
  } else {
    // A basket: one to four lines, mostly one item each.
    const lines = 1 + Math.floor(Math.random() ** 2 * 4);
    for (let l = 0; l < lines; l++) {
      const quantity = Math.random() < 0.8 ? 1 : 2 + Math.floor(Math.random() * 3);
      const sale = await x.t.sell({ product_id: pick(products).id, quantity });
      x.recent.push({ id: sale.id });
      if (x.recent.length > 50) x.recent.shift();
      m.sales++;
      m.items += quantity;
      done++;
    }
  }
  await new Promise((r) => setTimeout(r, 1000 / RATE));
}
clearInterval(ticker);
bar();
process.stderr.write("\nsending what is still queued…\n");
for (const x of terminals) {
  x.offlineUntil = 0;
  await x.t.start();
  for (let i = 0; i < 100 && (await x.t.stats()).queued > 0; i++) await x.t.flush();
  x.t.stop();
}

// The server-side check: each shop's sales and items in the range report, once it includes
// everything acknowledged until now.
const checkedAt = Date.now();
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
let ok = true;
for (const shop of shops) {
  let report;
  for (let i = 0; i < 50; i++) {
    report = await api(
      "GET",
      `/api/v1/reports/sales?from=${day(started - 2 * 86_400_000)}&to=${day(Date.now() + 2 * 86_400_000)}&interval=month&shop_id=${shop.id}`,
    );
    if (Date.parse(report.as_of) > checkedAt) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const m = made.get(shop.id);
  const t = report.totals;
  const same =
    t.sales === m.sales && t.items_sold === m.items && t.items_refunded === m.refundedItems;
  if (!same) ok = false;
  console.log(
    `${same ? "ok  " : "FAIL"} shop ${shop.id} (${shop.time_zone}): ${m.sales} sales, ${m.items} items, ${m.refundedItems} refunded made; the server holds ${t.sales}, ${t.items_sold}, ${t.items_refunded}`,
  );
}
const rejected = terminals.reduce((n, x) => n + x.t.rejected.length, 0);
console.log(
  `${rejected} items rejected by the server; every transaction counted exactly once: ${ok && rejected === 0}`,
);
await server?.kill("SIGTERM");
if (state) rmSync(state, { recursive: true, force: true });
process.exit(ok && rejected === 0 ? 0 : 1);
