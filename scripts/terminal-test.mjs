// npm run terminal-test: the terminal SDK (packages/terminal, built) against the server as
// `npm start` runs it. Each check ends with what the server holds: every transaction the
// terminals made is stored exactly once.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTerminal, memoryStore } from "../packages/terminal/dist/index.js";
import { fileStore } from "../packages/terminal/dist/stores/file.js";
import { startServer } from "./lib/server.mjs";

const PORT = Number(process.env.TERMINAL_PORT ?? 8796);
const state = mkdtempSync(path.join(os.tmpdir(), "retail-edge-terminal-"));
const work = mkdtempSync(path.join(os.tmpdir(), "retail-edge-terminal-files-"));
const results = [];
const log = (m) => console.error(`[terminal-test] ${m}`);
let server = await startServer({ port: PORT, stateDir: state, seed: false });
const base = server.base;

async function api(method, p, body) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function check(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push(false);
    console.log(
      `FAIL ${name}\n     ${String(error?.stack ?? error)
        .split("\n")
        .slice(0, 5)
        .join("\n     ")}`,
    );
  }
}
const assert = (ok, message) => {
  if (!ok) throw new Error(message);
};

/** How many times each (shop, id) is stored, read back through the API. */
async function storedOnce(shopId, ids) {
  let missing = 0;
  for (const id of ids) {
    const res = await api("GET", `/api/v1/shops/${shopId}/sales/${id}`);
    if (res.status !== 200) missing++;
  }
  return missing;
}

const shop = (
  await api("POST", "/api/v1/admin/shops", {
    name: "Till test",
    address: "1 Till St",
    time_zone: "Europe/Moscow",
  })
).json;
const product = (
  await api("POST", "/api/v1/admin/products", {
    name: "Till item",
    model: "T",
    price: 3.5,
    release_date: "2024-01-01",
  })
).json;
const key = (
  await api("POST", "/api/v1/admin/api-keys", {
    name: "till",
    scopes: ["sales:write"],
    shop_id: shop.id,
  })
).json.key;
const terminalOf = (terminalId, store, extra = {}) =>
  createTerminal({
    baseUrl: base,
    apiKey: key,
    shopId: shop.id,
    terminalId,
    store,
    flushAt: 100,
    flushIntervalMs: 50,
    maxBackoffMs: 300,
    ...extra,
  });

/**
 * The shop's sales count from the range report, once its `as_of` says it includes everything
 * acknowledged until `after` (every sale here is sold now, so a few days' range holds them all).
 */
async function shopSales(after = Date.now()) {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const q = `from=${day(Date.now() - 2 * 86_400_000)}&to=${day(Date.now() + 2 * 86_400_000)}&interval=month&shop_id=${shop.id}`;
  for (let i = 0; i < 100; i++) {
    const r = (await api("GET", `/api/v1/reports/sales?${q}`)).json;
    if (Date.parse(r.as_of) > after) return r.totals.sales;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("the report never caught up");
}
let expected = 0;

await check(
  "a terminal's process killed mid-flush finishes from its file store: 0 lost, 0 duplicated",
  async () => {
    const file = path.join(work, "killed.log");
    const run = () =>
      spawn(
        process.execPath,
        [
          "scripts/terminal/worker-terminal.mjs",
          base,
          key,
          String(shop.id),
          String(product.id),
          file,
          "3000",
        ],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
    const first = run();
    await new Promise((resolve) => {
      first.stdout.on("data", (d) => {
        if (/sold 1[0-9]00/.test(String(d))) resolve();
      });
    });
    first.kill("SIGKILL");
    await new Promise((r) => first.on("exit", r));
    const held = (await api("GET", `/api/v1/terminals/KILLED/sync?shop_id=${shop.id}`)).json;
    log(`killed with ${held.highest_seq} seqs on the server`);
    const second = run();
    const code = await new Promise((r) => second.on("exit", r));
    assert(code === 0, `the restarted terminal exited ${code}`);
    const sync = (await api("GET", `/api/v1/terminals/KILLED/sync?shop_id=${shop.id}`)).json;
    assert(
      sync.received_through === 3000 && sync.gaps.length === 0,
      `sync ${JSON.stringify(sync)}`,
    );
    expected += 3000;
    const count = await shopSales();
    assert(count === expected, `${count} sales stored for ${expected} made`);
  },
);

await check(
  "the server down for a while: the queue grows on disk and drains in order when it is back",
  async () => {
    const file = path.join(work, "offline.log");
    const store = await fileStore(file);
    const t = terminalOf("OFFLINE", store);
    await t.start();
    await server.kill("SIGTERM");
    log("server stopped; selling 500 while it is down");
    const made = [];
    for (let i = 0; i < 500; i++) made.push((await t.sell({ product_id: product.id })).id);
    assert((await store.size()) === 500, `queue ${await store.size()}`);
    const reopened = await fileStore(file);
    assert((await reopened.size()) === 500, "the queue is on disk");
    server = await startServer({ port: PORT, stateDir: state, seed: false });
    await t.flush();
    while ((await store.size()) > 0) await t.flush();
    t.stop();
    await store.close();
    await reopened.close();
    const sync = (await api("GET", `/api/v1/terminals/OFFLINE/sync?shop_id=${shop.id}`)).json;
    assert(
      sync.received_through === 500 && sync.highest_seq === 500,
      `sync ${JSON.stringify(sync)}`,
    );
    const missing = await storedOnce(shop.id, made.slice(0, 50).concat(made.slice(-50)));
    assert(missing === 0, `${missing} of 100 sampled sales not stored`);
    expected += 500;
    const count = await shopSales();
    assert(count === expected, `${count} sales stored for ${expected} made`);
  },
);

await check("a terminal whose storage was wiped resumes at highest_seq + 1", async () => {
  const t1 = terminalOf("WIPED", memoryStore());
  await t1.start();
  for (let i = 0; i < 20; i++) await t1.sell({ product_id: product.id });
  await t1.flush();
  t1.stop();
  const t2 = terminalOf("WIPED", memoryStore());
  await t2.start();
  const next = await t2.sell({ product_id: product.id });
  assert(next.seq === 21, `resumed at ${next.seq}`);
  await t2.flush();
  t2.stop();
  const sync = (await api("GET", `/api/v1/terminals/WIPED/sync?shop_id=${shop.id}`)).json;
  assert(sync.received_through === 21, `sync ${JSON.stringify(sync)}`);
  expected += 21;
});

await check(
  "the server killed (SIGKILL) mid-flush: the terminal retries, 0 lost, 0 duplicated",
  async () => {
    const store = await fileStore(path.join(work, "server-killed.log"));
    const t = terminalOf("SERVERKILL", store, { flushAt: 200, flushIntervalMs: 10 });
    await t.start();
    const selling = (async () => {
      for (let i = 0; i < 2000; i++) await t.sell({ product_id: product.id });
    })();
    await new Promise((r) => setTimeout(r, 400));
    await server.kill("SIGKILL");
    log("server killed mid-flush");
    await selling;
    server = await startServer({ port: PORT, stateDir: state, seed: false });
    while ((await store.size()) > 0) await t.flush();
    t.stop();
    await store.close();
    const sync = (await api("GET", `/api/v1/terminals/SERVERKILL/sync?shop_id=${shop.id}`)).json;
    assert(
      sync.received_through === 2000 && sync.gaps.length === 0,
      `sync ${JSON.stringify(sync)}`,
    );
    expected += 2000;
    const count = await shopSales();
    assert(count === expected, `${count} sales stored for ${expected} made`);
  },
);

await server.kill("SIGTERM");
rmSync(state, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
const failed = results.filter((r) => !r).length;
console.log(`terminal: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
