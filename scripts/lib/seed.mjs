// Demo data, loaded through the public API so it obeys every rule a client does.
// Each module adds its part here as it lands.
import { faker, fakerRU } from "@faker-js/faker";
import { migrate, queryLocalD1, resetState } from "./runtime.mjs";
import { DEMO_CURRENCIES, demoPrices, priceIn } from "./till.mjs";

export const DEMO_USERNAME = "demo";
export const DEMO_PASSWORD = "demo-password";
export const DEMO_ADMIN = "admin";
export const DEMO_OWNER = "owner";
export const DEMO_MANAGER = "manager";
export const DEMO_EMPLOYEE = "employee_1";
const SEED = 20261123;
const USERS = 20;
const PRODUCTS = 200;
const SHOPS = 100;
const SALES = 30_000; // receipts
const VAT = 0.2;
const HISTORY_DAYS = 180;
// A chain across Russia's zones (docs/API.md#business-days); every fifth shop starts its business day at 04:00.
const ZONES = [
  "Europe/Kaliningrad",
  "Europe/Moscow",
  "Asia/Yekaterinburg",
  "Asia/Novosibirsk",
  "Asia/Vladivostok",
];
// About one receipt in twenty-five has a line refunded, in part or whole, within three days.
const REFUND_EVERY = 25;

// Every tenth shop is abroad, in its own currency and zone (docs/API.md#currencies): the chain's
// figures are converted into roubles at a year of daily rates.
const ABROAD = { 7: "KZT", 8: "RSD", 9: "JPY" };
const RATE_DAYS = 366;

/**
 * Decides, before the Worker serves, whether demo data loads, and marks it first in
 * platform_state so that /health says "seeding" from the very first request. A load cut short
 * (Ctrl+C, a crash) leaves its marker: that state holds part of the demo data and nothing else,
 * so it starts over from an empty database. `force`: load even into a database with data
 * (`npm run seed`, whose steps skip what exists).
 * @returns {{ seeding: boolean, restarted: boolean }}
 */
export function prepareSeeding({ force = false } = {}) {
  const [[state]] = queryLocalD1(
    "SELECT (SELECT count(*) FROM platform_state WHERE key = 'seeding') AS interrupted, (SELECT count(*) FROM users) + (SELECT count(*) FROM products) AS rows_in",
  );
  const restarted = state.interrupted > 0;
  if (restarted) {
    resetState();
    migrate();
  } else if (state.rows_in > 0 && !force) {
    return { seeding: false, restarted };
  }
  queryLocalD1(
    `INSERT OR REPLACE INTO platform_state (key, value, updated_at) VALUES ('seeding', '1', ${Date.now()})`,
  );
  return { seeding: true, restarted };
}

/** The last step of a load: /health says "ok" from now on. */
export async function finishSeeding(mf) {
  const db = await mf.getD1Database("DB");
  await db.prepare("DELETE FROM platform_state WHERE key = 'seeding'").run();
}

/** The demo accounts that exist (a banner must not print credentials nobody can use). */
export async function existingAccounts(mf) {
  const db = await mf.getD1Database("DB");
  const names = [DEMO_ADMIN, DEMO_OWNER, DEMO_MANAGER, DEMO_USERNAME, DEMO_EMPLOYEE];
  const { results } = await db
    .prepare(`SELECT username FROM users WHERE username IN (${names.map(() => "?").join(",")})`)
    .bind(...names)
    .all();
  return new Set(results.map((r) => r.username));
}

// Where progress and messages go: npm start's console, or plain lines for other callers.
let out = {
  progress: (label, done, total) => done === total && say(`  ${label}: ${done}`),
  line: (text) => say(text),
};
const progress = (label, done, total) => out.progress(label, done, total);
const say = (text) => out.line(text);

async function post(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  // 409: already there from an earlier seed; that is fine.
  if (!res.ok && res.status !== 409) {
    throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
  }
  return res;
}

/**
 * `runCron(cron, scheduledTime)`: fires the Worker's scheduled handler, so the demo's daily
 * order stats cover the past 90 days as if the cron had run each night.
 */
export async function seed({ base, adminToken, out: console_, runCron }) {
  if (console_) out = console_;
  faker.seed(SEED);
  const users = [
    { username: DEMO_USERNAME, email: "demo@retail-edge.example", password: DEMO_PASSWORD },
  ];
  for (let i = 0; i < USERS; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const username = faker.internet
      .username({ firstName: first, lastName: last })
      .replace(/[^\w.-]/g, "");
    users.push({
      username: `${username}${i}`,
      email: faker.internet
        .email({ firstName: first, lastName: last, provider: "example.com" })
        .toLowerCase(),
      password: faker.internet.password({ length: 14 }),
    });
  }
  let created = 0;
  for (const [i, user] of users.entries()) {
    const res = await post(base, "/api/v1/auth/register", user);
    if (res.status === 201) created++;
    progress("users", i + 1, users.length);
  }
  await waitForOutbox(base, adminToken, created);
  say(`  seeded ${created} new users (welcome e-mails in the outbox)`);
  await seedSales(base, adminToken);
  await seedWebAccounts(base, adminToken);
  await seedOrders(base, adminToken);
  if (runCron) await backfillDailyStats(runCron);
  await seedBooks(base, adminToken);
  await seedRobots(base, adminToken);
  await seedNetworks(base, adminToken);
}

/** The web accounts: an admin and an owner, their roles granted through the admin API. */
async function seedWebAccounts(base, token) {
  // The manager runs the Serbian shops (seedSales made them first).
  const shops = await get(base, "/api/v1/shops?limit=1000", token);
  const serbian = shops.items.filter((s) => s.currency === "RSD").map((s) => s.id);
  for (const [username, role, shopIds] of [
    [DEMO_ADMIN, "admin"],
    [DEMO_OWNER, "owner"],
    [DEMO_MANAGER, "manager", serbian],
  ]) {
    await post(base, "/api/v1/auth/register", {
      username,
      email: `${username}@retail-edge.example`,
      password: DEMO_PASSWORD,
    });
    let user;
    for (let cursor = ""; !user; ) {
      const page = await get(base, `/api/v1/admin/users?limit=1000${cursor}`, token);
      user = page.items.find((u) => u.username === username);
      if (!page.next_cursor) break;
      cursor = `&cursor=${page.next_cursor}`;
    }
    if (!user) throw new Error(`user ${username} was not created`);
    const res = await fetch(`${base}/api/v1/admin/users/${user.id}/role`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ role, ...(shopIds && { shop_ids: shopIds }) }),
    });
    if (!res.ok) throw new Error(`role for ${username} → ${res.status}`);
  }
  say(
    `  web accounts: ${DEMO_ADMIN} (admin), ${DEMO_OWNER} (owner), ${DEMO_MANAGER} (manager of the ${serbian.length} Serbian shops)`,
  );
}

/** Three full five-level networks with products and one employee per company. */
async function seedNetworks(base, token) {
  const NETWORKS = 3;
  if ((await get(base, "/api/v1/admin/companies?limit=1", token)).items.length > 0) {
    say("  companies exist already: network demo data skipped");
    return;
  }
  const fanOut = [1, 2, 2, 1, 1]; // companies per parent, level by level: 1 + 2 + 4 + 4 + 4
  const products = await get(base, "/api/v1/products?limit=200", token);
  const productIds = products.items.map((p) => p.id);
  const companies = [];
  for (let n = 0; n < NETWORKS; n++) {
    let parents = [null];
    for (let level = 0; level < fanOut.length; level++) {
      const next = [];
      for (const parent of parents) {
        for (let k = 0; k < fanOut[level]; k++) {
          const country = fakerRU.helpers.arrayElement(["Россия", "Казахстан", "Беларусь"]);
          const res = await post(
            base,
            "/api/v1/admin/companies",
            {
              name: fakerRU.company.name().slice(0, 50),
              email: faker.internet.email({ provider: "example.com" }).toLowerCase(),
              country,
              city: fakerRU.location.city().slice(0, 100),
              street: fakerRU.location.street().slice(0, 100),
              house_number: String(faker.number.int({ min: 1, max: 200 })),
              supplier_id: parent,
              debt:
                parent === null ? 0 : Number(faker.finance.amount({ min: 0, max: 50_000, dec: 2 })),
              product_ids: productIds.length ? faker.helpers.arrayElements(productIds, 5) : [],
            },
            token,
          );
          const company = await res.json();
          companies.push(company);
          next.push(company.id);
        }
      }
      parents = next;
    }
    progress("networks", n + 1, NETWORKS);
  }
  for (const [i, company] of companies.entries()) {
    await post(base, "/api/v1/auth/register", {
      username: `employee_${i + 1}`,
      email: `employee_${i + 1}@retail-edge.example`,
      password: DEMO_PASSWORD,
      company_id: company.id,
    });
    progress("employees", i + 1, companies.length);
  }
}

/** The robot model catalog and four weeks of factory output. */
async function seedRobots(base, token) {
  const MODELS = ["R2", "13", "X5", "C3", "BB", "K2"];
  const ROBOTS = 240;
  if ((await get(base, "/api/v1/admin/robot-models", token)).items.length > 0) {
    say("  robot models exist already: robot demo data skipped");
    return;
  }
  for (const code of MODELS) await post(base, "/api/v1/admin/robot-models", { code }, token);
  const versions = Object.fromEntries(
    MODELS.map((m) => [
      m,
      faker.helpers.multiple(() => faker.string.alphanumeric({ length: 2, casing: "upper" }), {
        count: 3,
      }),
    ]),
  );
  const now = Date.now();
  for (let i = 0; i < ROBOTS; i++) {
    const model = faker.helpers.arrayElement(MODELS);
    const created = new Date(now - faker.number.int({ min: 60_000, max: 28 * 86_400_000 }));
    await post(
      base,
      "/api/v1/robots",
      {
        model,
        version: faker.helpers.arrayElement(versions[model]),
        created: created.toISOString().slice(0, 19).replace("T", " "),
      },
      token,
    );
    progress("robots", i + 1, ROBOTS);
  }
  // Customers waiting for serials the factory has not made yet.
  for (const [i, serial] of ["R2-D2", "C3-P0", "BB-08"].entries()) {
    await post(base, "/api/v1/robots/orders", { email: `customer${i + 1}@example.com`, serial });
  }
}

/** Books in English and Russian with valid ISBN-10/13, added by the demo user. */
async function seedBooks(base, token) {
  const BOOKS = 300;
  if ((await get(base, "/api/v1/books?limit=1", token)).items.length > 0) {
    say("  books exist already: library demo data skipped");
    return;
  }
  const login = await post(base, "/api/v1/auth/login", {
    username: DEMO_USERNAME,
    password: DEMO_PASSWORD,
  });
  const { access } = await login.json();
  fakerRU.seed(SEED);
  const year = new Date().getUTCFullYear();
  for (let i = 0; i < BOOKS; i++) {
    const f = i % 2 === 0 ? faker : fakerRU;
    await post(
      base,
      "/api/v1/books",
      {
        title: f.book.title().slice(0, 255),
        author: f.book.author().slice(0, 255),
        year: f.number.int({ min: 1800, max: year }),
        isbn: faker.commerce.isbn(i % 3 === 0 ? 10 : 13),
      },
      access,
    );
    progress("books", i + 1, BOOKS);
  }
}

/** Sellers with 90 days of order history, uploaded as the bulk endpoint takes them. */
async function seedOrders(base, token) {
  const SELLERS = 5;
  const ORDERS = 300;
  const known = await fetch(`${base}/api/orders/stats?user=test_seller`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (known.ok) {
    say("  sellers exist already: order demo data skipped");
    return;
  }
  for (let s = 0; s < SELLERS; s++) {
    const user =
      s === 0
        ? "test_seller"
        : `seller_${faker.internet.username().replace(/[^\w]/g, "").slice(0, 30)}`;
    const orders = Array.from({ length: ORDERS }, (_, i) => {
      const items = Array.from({ length: faker.number.int({ min: 1, max: 4 }) }, () => ({
        sku: faker.string.alphanumeric({ length: 8, casing: "upper" }),
        name: faker.commerce.productName(),
        quantity: faker.number.int({ min: 1, max: 5 }),
        price: Number(faker.commerce.price({ min: 1, max: 500, dec: 2 })),
      }));
      const total =
        items.reduce((sum, it) => sum + Math.round(it.price * 100) * it.quantity, 0) / 100;
      return {
        order_number: `${user.slice(0, 20)}-${String(i).padStart(5, "0")}`,
        created_at: faker.date.recent({ days: 90 }).toISOString(),
        total_amount: total,
        status: faker.helpers.arrayElement(["new", "paid", "shipped", "delivered", "cancelled"]),
        items,
      };
    });
    await post(base, "/api/orders/upload", { user, orders }, token);
    progress("sellers", s + 1, SELLERS);
  }
  say(`  seeded ${SELLERS} sellers with ${ORDERS} orders each`);
}

/** The nightly daily-order-stats run (00:05 UTC) for each of the past 90 days. */
async function backfillDailyStats(runCron) {
  const DAYS = 90;
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let d = DAYS - 1; d >= 0; d--) {
    await runCron("5 0 * * *", new Date(today - d * 86_400_000 + 5 * 60_000));
    progress("daily stats", DAYS - d, DAYS);
  }
}

async function get(base, path, token) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${path} → ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Products, shops and months of sales history, posted through the batch ingest path. */
async function seedSales(base, token) {
  const existing = await get(base, "/api/v1/products?limit=1", token);
  if (existing.items.length > 0) {
    say("  the catalog has products already: sales demo data skipped");
    return;
  }
  const productIds = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const price = Number(faker.commerce.price({ min: 1, max: 3000, dec: 2 }));
    const res = await post(
      base,
      "/api/v1/admin/products",
      {
        name: faker.commerce.productName(),
        model: faker.string.alphanumeric({ length: 6, casing: "upper" }),
        price,
        prices: demoPrices(Math.round(price * 100)),
        release_date: faker.date.past({ years: 5 }).toISOString().slice(0, 10),
      },
      token,
    );
    productIds.push((await res.json()).id);
    progress("products", i + 1, PRODUCTS);
  }
  const shopIds = [];
  const currencyOf = new Map();
  for (let i = 0; i < SHOPS; i++) {
    const currency = ABROAD[i % 10] ?? "RUB";
    const res = await post(
      base,
      "/api/v1/admin/shops",
      {
        name: faker.company.name().slice(0, 100),
        address: `${faker.location.streetAddress()}, ${faker.location.city()}`.slice(0, 255),
        currency,
        time_zone: currency === "RUB" ? ZONES[i % ZONES.length] : DEMO_CURRENCIES[currency].zone,
        day_starts_at: i % 5 === 4 ? "04:00" : "00:00",
      },
      token,
    );
    const id = (await res.json()).id;
    shopIds.push(id);
    currencyOf.set(id, currency);
    progress("shops", i + 1, SHOPS);
  }
  const now = Date.now();
  await seedRates(base, token, now);
  const prices = new Map();
  for (const id of productIds) prices.set(id, 0);
  const catalog = await get(base, "/api/v1/products?limit=1000", token);
  for (const p of catalog.items) prices.set(p.id, Math.round(p.price * 100));
  let refunds = 0;
  let lineCount = 0;
  // Receipts and their refunds stay within a batch's 1 000 items.
  const chunk = 900;
  for (let sent = 0; sent < SALES; sent += chunk) {
    const items = [];
    for (let i = 0; i < Math.min(chunk, SALES - sent); i++) {
      // Up to the last hour: a newcomer's "Last 7 days" is a whole week against the one before.
      const soldAt = now - faker.number.int({ min: 60_000, max: HISTORY_DAYS * 86_400_000 });
      const shopId = faker.helpers.arrayElement(shopIds);
      const receipt = demoReceipt(productIds, prices, currencyOf.get(shopId));
      lineCount += receipt.lines.length;
      const sale = {
        id: faker.string.uuid(),
        shop_id: shopId,
        ...receipt,
        sold_at: new Date(soldAt).toISOString(),
      };
      items.push(sale);
      // A refund follows its receipt in the same batch (items apply in order), after the sale
      // and before now.
      const latest = Math.min(soldAt + 3 * 86_400_000, now - 30_000);
      if ((sent + i) % REFUND_EVERY === 0 && latest > soldAt + 60_000) {
        const line = faker.number.int({ min: 1, max: receipt.lines.length });
        items.push({
          type: "refund",
          id: `R-${sale.id}`.slice(0, 64),
          shop_id: sale.shop_id,
          sale_id: sale.id,
          lines: [
            { line, quantity: faker.number.int({ min: 1, max: receipt.lines[line - 1].quantity }) },
          ],
          refunded_at: new Date(
            faker.number.int({ min: soldAt + 60_000, max: latest }),
          ).toISOString(),
        });
        refunds++;
      }
    }
    await post(base, "/api/v1/sales/batch", { sales: items }, token);
    progress("sales", sent + Math.min(chunk, SALES - sent), SALES);
  }
  await post(base, "/api/v1/admin/sales/flush", {}, token);
  say(
    `  seeded ${PRODUCTS} products, ${SHOPS} shops (${SHOPS - shopIds.filter((id) => currencyOf.get(id) === "RUB").length} abroad in KZT, RSD and JPY), ${SALES} receipts (${lineCount} lines) and ${refunds} refunds over ${HISTORY_DAYS} days, up to the last hour`,
  );
}

/**
 * A year of daily rates against the euro, a random walk around today's levels, so that the
 * chain's figures of any day convert (docs/API.md#exchange-rates).
 */
async function seedRates(base, token, now) {
  const level = {
    RUB: 98,
    ...Object.fromEntries(
      Object.entries(DEMO_CURRENCIES)
        .filter(([c]) => c !== "RUB")
        .map(([c, d]) => [c, 98 * d.perRub]),
    ),
  };
  for (let i = RATE_DAYS - 1; i >= 0; i--) {
    const date = new Date(now - i * 86_400_000).toISOString().slice(0, 10);
    for (const code of Object.keys(level))
      level[code] *= 1 + faker.number.float({ min: -0.006, max: 0.006 });
    const rates = Object.fromEntries(
      Object.entries(level).map(([code, v]) => [code, Math.round(v * 10_000) / 10_000]),
    );
    const res = await fetch(`${base}/api/v1/admin/fx-rates/${date}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ base: "EUR", rates }),
    });
    if (!res.ok) throw new Error(`rates of ${date} → ${res.status}: ${await res.text()}`);
    progress("rates", RATE_DAYS - i, RATE_DAYS);
  }
}

/**
 * A basket as a till rings it: one to six lines (mostly few), some on promotion below the
 * catalog price, a few with a line discount, now and then a discount on the whole basket; VAT
 * on top of every line.
 */
function demoReceipt(productIds, rubPrices, currency) {
  const digits = DEMO_CURRENCIES[currency].digits;
  const major = (minor) => minor / 10 ** digits;
  const prices = new Map([...rubPrices].map(([id, rub]) => [id, priceIn(rub, currency)]));
  const count = faker.helpers.weightedArrayElement([
    { weight: 40, value: 1 },
    { weight: 25, value: 2 },
    { weight: 15, value: 3 },
    { weight: 10, value: 4 },
    { weight: 6, value: 5 },
    { weight: 4, value: 6 },
  ]);
  const lines = faker.helpers.arrayElements(productIds, count).map((productId) => {
    const quantity = faker.helpers.weightedArrayElement([
      { weight: 80, value: 1 },
      { weight: 15, value: 2 },
      { weight: 5, value: 3 },
    ]);
    const catalog = prices.get(productId) ?? 0;
    const unit = faker.number.int({ min: 1, max: 10 }) === 1 ? Math.round(catalog * 0.85) : catalog;
    const discount =
      faker.number.int({ min: 1, max: 20 }) === 1 ? Math.floor(quantity * unit * 0.1) : 0;
    const tax = Math.floor((quantity * unit - discount) * VAT);
    return {
      product_id: productId,
      quantity,
      ...(unit !== catalog && { unit_price: major(unit) }),
      ...(discount > 0 && { discount: major(discount) }),
      tax: major(tax),
      amount: quantity * unit - discount,
    };
  });
  const amount = lines.reduce((a, l) => a + l.amount, 0);
  for (const l of lines) delete l.amount;
  const basket = faker.number.int({ min: 1, max: 10 }) === 1 ? Math.floor(amount * 0.05) : 0;
  return { lines, ...(basket > 0 && { discount: major(basket) }) };
}

/** Waits until the mail consumer has recorded the welcome e-mails, so none is lost on exit. */
async function waitForOutbox(base, adminToken, expected) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/v1/admin/outbox?limit=1000`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const page = await res.json();
    if (page.items.filter((m) => m.status === "sent").length >= expected) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  say("  some welcome e-mails were still queued after 15 s");
}
