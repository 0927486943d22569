// npm run bench: the DESIGN performance table, measured in one run against the built Worker
// (plus baseline and ceiling routes, scripts/bench/worker.ts) served by workerd through Miniflare, no dev
// proxy, on fresh local state. Progress goes to stderr, the table to stdout.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { archivePhase, printArchive } from "./bench/archive.mjs";
import { uuidv7 } from "./bench/ceiling.mjs";
import { printCost } from "./bench/cost.mjs";
import { runPhases } from "./bench/phases.mjs";
import { printTable } from "./bench/table.mjs";
import { sampleHeap } from "./lib/heap.mjs";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import { demoPrices } from "./lib/till.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BIG = Number(process.env.BENCH_BIG_SALES ?? 1_000_000);
const ARCHIVE_SALES = Number(process.env.BENCH_ARCHIVE_SALES ?? 1_000_000);
// BENCH_ONLY=archive: the archive phase alone, on a D1 holding just its month.
const ONLY_ARCHIVE = process.env.BENCH_ONLY === "archive";
const INSPECTOR = 9330;
const log = (msg) => console.error(`[bench] ${msg}`);

// Local state goes under BENCH_STATE_PARENT (default: the OS temp dir, on disk here). Every
// local commit fsyncs it, which production storage does not do on the ingest thread: pointing
// it at a tmpfs (/dev/shm) takes this machine's disk out of the numbers.
const STATE_PARENT = process.env.BENCH_STATE_PARENT ?? os.tmpdir();
process.env.STATE_DIR = mkdtempSync(path.join(STATE_PARENT, "retail-edge-bench-"));
/** The raw-SQLite ceiling in a process of its own, on this run's state disk, files kept. */
function runCeilingProcess(count, ids) {
  const out = execFileSync(
    process.execPath,
    [path.join(ROOT, "scripts/bench/ceiling.mjs"), process.env.STATE_DIR, String(count), ids],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return JSON.parse(out);
}

// The ceilings first, with no runtime up: a synchronous minute of SQLite here would leave the
// bench's idle keep-alive sockets to be closed under it.
log(`the raw-SQLite ceiling: UUIDv4 ids 0 → ${BIG}, then UUIDv7 ids ${BIG} → ${2 * BIG}`);
const ceilings = ONLY_ARCHIVE
  ? null
  : { v4: runCeilingProcess(BIG, "v4"), v7: runCeilingProcess(BIG, "v7") };
ensureDevVars();
const scriptPath = build("scripts/bench/worker.ts");
migrate();
// The Worker's log lines are written as in production, and not printed by this process: the
// load generator shares the machine.
const { mf, url } = await startRuntime({
  port: 0,
  scriptPath,
  // One isolate serves the bench: the archive's freeze reaches it at once, nothing to wait for.
  bindings: { REPORT_CACHE_SECONDS: "0", ARCHIVE_FREEZE_SECONDS: "0" },
  // The bench's own object for the ceiling of a durable write (scripts/bench/worker.ts).
  durableObjects: { BENCH_WRITER: { className: "BenchWriter", useSQLite: true } },
  inspectorPort: INSPECTOR,
  onLog: (line) => line.level === "error" && console.error(line.message),
});
const base = url.toString().replace(/\/$/, "");
const d1 = await mf.getD1Database("DB");
// The naive baseline's table, with the same key as `sales`.
await d1.exec(
  "CREATE TABLE naive_sales (id INTEGER PRIMARY KEY, shop_id INTEGER NOT NULL, sale_id TEXT NOT NULL, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL, sold_at INTEGER NOT NULL, UNIQUE (shop_id, sale_id))",
);
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
      peakRssKb = Math.max(peakRssKb, Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0));
    } catch {}
  }
}, 250);

async function post(p, body, headers = adminHeaders) {
  const res = await fetch(`${base}${p}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** CPU time (user + system) the workerd processes have used, in ms. */
function workerdCpuMs() {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of workerdPids()) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {}
  }
  return total;
}

/**
 * Runs `once` from `concurrency` loops for `seconds`: completions per second, p50 and p99, and
 * the workerd CPU time a request took (all its threads: the Worker, the objects, local D1).
 */
async function load(once, { seconds = SECONDS, concurrency = CONCURRENCY } = {}) {
  const cpuBefore = workerdCpuMs();
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
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
  return {
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    n: latencies.length,
    cpuMs: (workerdCpuMs() - cpuBefore) / latencies.length,
  };
}

/** p50 of `n` GETs of a path, or of `path(i)` for the i-th request. */
async function p50Of(p, n = 300) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${base}${typeof p === "function" ? p(i) : p}`, {
      headers: adminHeaders,
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${p} → ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
}

// A chain in three currencies (docs/API.md#currencies): the chain's reports convert every
// rollup row at its day's rate, so their cost is measured with the conversion in it.
const BENCH_CURRENCIES = ["RUB", "KZT", "RSD"];
log(
  "setting up the catalog: 200 shops in RUB, KZT and RSD with their keys, 500 products, a year of rates",
);
const shops = [];
for (let i = 0; i < 200; i++) {
  const shop = await post("/api/v1/admin/shops", {
    name: `Shop ${i}`,
    address: `${i} Bench Street`,
    currency: BENCH_CURRENCIES[i % BENCH_CURRENCIES.length],
  });
  const key = await post("/api/v1/admin/api-keys", {
    name: `till ${i}`,
    scopes: ["sales:write"],
    shop_id: shop.id,
  });
  shops.push({ id: shop.id, key: key.key });
}
const products = [];
for (let i = 0; i < 500; i++) {
  const p = await post("/api/v1/admin/products", {
    name: `Product ${i}`,
    model: `B-${i}`,
    price: 1 + (i % 50) * 10.25,
    prices: demoPrices(Math.round((1 + (i % 50) * 10.25) * 100)),
    release_date: "2024-01-01",
  });
  products.push(p.id);
}
for (let d = 366; d >= 0; d--) {
  const date = new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
  const wobble = 1 + ((d % 7) - 3) / 1000;
  await fetch(`${base}/api/v1/admin/fx-rates/${date}`, {
    method: "PUT",
    headers: adminHeaders,
    body: JSON.stringify({
      base: "EUR",
      rates: { RUB: 98 * wobble, KZT: 539 * wobble, RSD: 117.6 },
    }),
  });
}
const month = new Date().toISOString().slice(0, 7);
// Every sale carries a client UUID, as a terminal that retries safely sends it: random (v4)
// unless `ids` says "v7" (time-ordered, what the terminal SDK sends).
const randomSale = (i, withId = true, spreadDays = 0, ids = "v4") => ({
  product_id: products[(i * 7919) % products.length],
  shop_id: shops[i % shops.length].id,
  quantity: 1 + (i % 5),
  ...(withId && { id: ids === "v7" ? uuidv7() : crypto.randomUUID() }),
  // History over the past days (the range reports' first point); live sales are sold now.
  ...(spreadDays > 0 && {
    sold_at: new Date(Date.now() - 60_000 - (i % spreadDays) * 86_400_000).toISOString(),
  }),
});

let inD1 = 0;
/**
 * Batch ingest of `count` sales (4 requests of 1 000 in flight); sales/s of the requests.
 * `onSegment` hears the rate of each tenth of the way, by completed sales.
 */
async function ingestBatches(
  count,
  {
    withIds = true,
    onSegment,
    path: route = "/api/v1/sales/batch",
    spreadDays = 0,
    ids = "v4",
    make = (i) => randomSale(i, withIds, spreadDays, ids),
  } = {},
) {
  let next = 0;
  let completed = 0;
  const segment = count / 10;
  let segmentStart = performance.now();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const size = Math.min(1000, count - next);
        const from = inD1 + next;
        next += size;
        const sales = Array.from({ length: size }, (_, k) => make(from + k));
        const r = await post(route, { sales });
        if (r.accepted !== size) throw new Error(`batch accepted ${r.accepted} of ${size}`);
        const before = completed;
        completed += size;
        if (onSegment && Math.floor(completed / segment) > Math.floor(before / segment)) {
          const now = performance.now();
          onSegment(segment / ((now - segmentStart) / 1000));
          segmentStart = now;
        }
      }
    }),
  );
  if (route === "/api/v1/sales/batch") inD1 += count;
  return count / ((performance.now() - started) / 1000);
}
/** What the shards and Rankings counted (rows by table, requests); `reset` starts again. */
async function rowCounts(reset = false) {
  return post(`/api/bench/rows${reset ? "?reset=1" : ""}`, {});
}

async function flushAll() {
  const started = performance.now();
  const { flushed } = await post("/api/v1/admin/sales/flush", {});
  return { flushed, seconds: (performance.now() - started) / 1000 };
}

const kit = {
  log,
  base,
  shops,
  products,
  randomSale,
  load,
  p50Of,
  month,
  ingestBatches,
  flushAll,
  rowCounts,
  ceilings,
  d1,
  post,
  adminHeaders,
  BIG,
  SECONDS,
  // The isolate's heap, sampled for 2 s half way through the batch ingest.
  sampleHeap: (opts) => sampleHeap(INSPECTOR, opts),
};
const results = ONLY_ARCHIVE ? null : await runPhases(kit);
// Last: a month archived from the D1 the phases above filled (or from an empty one).
const archived = await archivePhase(kit, ARCHIVE_SALES);

clearInterval(sampler);
await mf.dispose();
rmSync(process.env.STATE_DIR, { recursive: true, force: true });

if (results) {
  printTable({ ...results, peakRssKb, SECONDS, CONCURRENCY, STATE_PARENT });
  printCost(results);
}
printArchive(archived);
