// npm run terminals -- --shops 10 --terminals 50 --rate 200 --minutes 1 [--base-url URL --key KEY]
// Terminals built on the SDK (packages/terminal) selling baskets of 1–8 lines (promotions below
// the catalog price, line and basket discounts, tax), refunding parts of lines, some going
// offline for a while, against a local server (started here on its own
// state) or a deployed one (--base-url, --key: the operator's token). Ends with the server-side
// check: every shop's and every product's figures in the reports equal what the terminals made.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTerminal, memoryStore } from "../packages/terminal/dist/index.js";
import { startServer } from "./lib/server.mjs";
import { DEMO_CURRENCIES, demoPrices, major, priceIn, refundLine, ring } from "./lib/till.mjs";

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
      prices: demoPrices(Math.round(price * 100)),
      release_date: "2024-01-01",
    }),
  );
}
const shops = [];
// The shops take the demo currencies in turn: roubles (in a Russian zone), tenge, dinars, yen.
const currencies = Object.keys(DEMO_CURRENCIES);
for (let i = 0; i < SHOPS; i++) {
  const currency = currencies[i % currencies.length];
  const shop = await api("POST", "/api/v1/admin/shops", {
    name: `Sim shop ${run} ${i}`,
    address: `${i + 1} Simulation St`,
    currency,
    time_zone: currency === "RUB" ? zones[i % zones.length] : DEMO_CURRENCIES[currency].zone,
    day_starts_at: i % 4 === 3 ? "04:00" : "00:00",
  });
  const { key } = await api("POST", "/api/v1/admin/api-keys", {
    name: `sim ${i}`,
    scopes: ["sales:write"],
    shop_id: shop.id,
  });
  shops.push({ ...shop, key });
}

// What the terminals made, per shop and per product, in minor units: the truth the server is
// checked against.
const tally = () => ({ sales: 0, items: 0, refundedItems: 0, net: 0, tax: 0 });
const made = new Map(shops.map((s) => [s.id, tally()]));
// Per product within a shop: a product's chain figures are converted, its shop's are as made.
const madeByProduct = new Map();
const productTally = (shopId, productId) => {
  const key = `${shopId}|${productId}`;
  if (!madeByProduct.has(key)) madeByProduct.set(key, { shopId, productId, ...tally() });
  return madeByProduct.get(key);
};
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
    // A customer brings part of a basket back: one or two lines, some of their units.
    const sale = x.recent[Math.floor(Math.random() * x.recent.length)];
    const open = sale.lines
      .map((l, i) => ({ l, line: i + 1 }))
      .filter((o) => o.l.refunded < o.l.quantity);
    if (open.length > 0) {
      const asked = open
        .slice(0, 1 + Math.floor(Math.random() * Math.min(2, open.length)))
        .map((o) => ({
          line: o.line,
          quantity: 1 + Math.floor(Math.random() * (o.l.quantity - o.l.refunded)),
        }));
      await x.t.refund({ sale_id: sale.id, lines: asked });
      for (const a of asked) {
        const l = sale.lines[a.line - 1];
        const back = refundLine(l, a.quantity);
        for (const t of [m, productTally(x.shop.id, l.product)]) {
          t.net -= back.net;
          t.tax -= back.tax;
          t.refundedItems += a.quantity;
        }
      }
      done++;
    }
  } else {
    // A basket: one to eight lines, mostly one item each; some on promotion (below the catalog
    // price), some with a line discount, now and then a discount on the whole basket; tax on top.
    const count = 1 + Math.floor(Math.random() ** 2 * 8);
    const lines = Array.from({ length: count }, () => {
      const product = pick(products);
      const quantity = Math.random() < 0.8 ? 1 : 2 + Math.floor(Math.random() * 3);
      const catalog = priceIn(Math.round(product.price * 100), x.shop.currency);
      const unit = Math.random() < 0.2 ? Math.round(catalog * 0.85) : catalog;
      const discount = Math.random() < 0.1 ? Math.floor(quantity * unit * 0.1) : 0;
      const tax = Math.floor((quantity * unit - discount) * 0.2);
      return { product: product.id, quantity, unit, discount, tax, promoted: unit !== catalog };
    });
    const gross = lines.reduce((a, l) => a + l.quantity * l.unit - l.discount, 0);
    const basket = Math.random() < 0.15 ? Math.floor(gross * 0.05) : 0;
    const rung = ring(lines, basket);
    const m$ = (minor) => major(minor, DEMO_CURRENCIES[x.shop.currency].digits);
    const sale = await x.t.sell({
      lines: lines.map((l) => ({
        product_id: l.product,
        quantity: l.quantity,
        ...(l.promoted && { unit_price: m$(l.unit) }),
        ...(l.discount > 0 && { discount: m$(l.discount) }),
        tax: m$(l.tax),
      })),
      ...(basket > 0 && { discount: m$(basket) }),
    });
    x.recent.push({ id: sale.id, lines: rung });
    if (x.recent.length > 50) x.recent.shift();
    m.sales++;
    for (const l of rung) {
      for (const t of [m, productTally(x.shop.id, l.product)]) {
        t.net += l.net;
        t.tax += l.tax;
        t.items += l.quantity;
      }
    }
    done++;
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

// The server-side check: each shop's and each product's figures in the range report, once it
// includes everything acknowledged until now, against what the terminals made.
const checkedAt = Date.now();
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const range = `from=${day(started - 2 * 86_400_000)}&to=${day(Date.now() + 2 * 86_400_000)}&interval=month`;
async function settled(filter) {
  let report;
  for (let i = 0; i < 50; i++) {
    report = await api("GET", `/api/v1/reports/sales?${range}&${filter}`);
    if (Date.parse(report.as_of) > checkedAt) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return report.totals;
}
const same = (t, m, withSales, digits) =>
  Math.round(t.net * 10 ** digits) === m.net &&
  Math.round(t.tax * 10 ** digits) === m.tax &&
  t.items_sold === m.items &&
  t.items_refunded === m.refundedItems &&
  (!withSales || t.sales === m.sales);
let ok = true;
for (const shop of shops) {
  const t = await settled(`shop_id=${shop.id}`);
  const m = made.get(shop.id);
  const digits = DEMO_CURRENCIES[shop.currency].digits;
  const good = same(t, m, true, digits);
  if (!good) ok = false;
  console.log(
    `${good ? "ok  " : "FAIL"} shop ${shop.id} (${shop.currency}, ${shop.time_zone}): made ${m.sales} receipts, ${m.items} items, ${m.refundedItems} refunded, net ${major(m.net, digits)}, tax ${major(m.tax, digits)}; the server holds ${t.sales}, ${t.items_sold}, ${t.items_refunded}, ${t.net}, ${t.tax}`,
  );
}
let productsOk = 0;
const currencyOf = new Map(shops.map((s) => [s.id, s.currency]));
for (const m of madeByProduct.values()) {
  if (m.items === 0) continue;
  const digits = DEMO_CURRENCIES[currencyOf.get(m.shopId)].digits;
  const t = await settled(`shop_id=${m.shopId}&product_id=${m.productId}`);
  if (same(t, m, false, digits)) productsOk++;
  else {
    ok = false;
    console.log(
      `FAIL product ${m.productId} in shop ${m.shopId}: made net ${major(m.net, digits)}, the server holds ${t.net}`,
    );
  }
}
console.log(
  `${productsOk} products' net, tax and items in their shops equal what the terminals made`,
);
const rejected = terminals.reduce((n, x) => n + x.t.rejected.length, 0);
console.log(
  `${rejected} items rejected by the server; every shop's and product's figures equal the terminals': ${ok && rejected === 0}`,
);
await server?.kill("SIGTERM");
if (state) rmSync(state, { recursive: true, force: true });
process.exit(ok && rejected === 0 ? 0 : 1);
