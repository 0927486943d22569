// The benchmark's table, as committed to docs/BENCHMARKS.md.
import os from "node:os";

const f = (n, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

export function printTable(r) {
  const first = r.segments[0] ?? 0;
  const last = r.segments.at(-1) ?? 0;
  // The empty route, before the ceilings and after the single sale: their mean is the baseline.
  const empty = (r.empty.perSecond + r.emptyAfter.perSecond) / 2;
  const cpuOf = (phase) => `workerd CPU ${f(phase.cpuMs, 2)} ms a request`;
  const rows = [
    [
      "empty route",
      `${f(empty)} req/s`,
      `baseline: the mean of ${f(r.empty.perSecond)} before and ${f(r.emptyAfter.perSecond)} after the single sale; p50 ${f(r.empty.p50, 1)} ms, p99 ${f(r.empty.p99, 1)} ms; ${cpuOf(r.empty)}`,
    ],
    [
      "ceiling: empty route + one shard round trip",
      `${f(r.shardRead.perSecond)} req/s`,
      `${f(r.shardRead.perSecond / empty, 2)} × empty: a read-only call to a shard, nothing else; ${cpuOf(r.shardRead)}`,
    ],
    [
      "ceiling: empty route + one durable write",
      `${f(r.shardWrite.perSecond)} req/s`,
      `${f(r.shardWrite.perSecond / empty, 2)} × empty: the sale's body inserted as one row and committed by an object of the bench's own, nothing of ours around it; ${cpuOf(r.shardWrite)}`,
    ],
    [
      "ceiling: a sale's Worker work, not stored",
      `${f(r.unstored.perSecond)} req/s`,
      `${f(r.unstored.perSecond / empty, 2)} × empty: key, validation, catalog, price; ${cpuOf(r.unstored)}`,
    ],
    [
      "single-sale ingest",
      `${f(r.ingest.perSecond)} req/s`,
      `${f(r.ingest.perSecond / r.shardWrite.perSecond, 2)} × one durable write (target ≥ 0.8), ${f(r.ingest.perSecond / empty, 2)} × empty; p50 ${f(r.ingest.p50, 1)} ms, p99 ${f(r.ingest.p99, 1)} ms; ${cpuOf(r.ingest)}`,
    ],
    [
      "naive INSERT per request",
      `${f(r.naive.perSecond)} req/s`,
      `ingest is ${f(r.ingest.perSecond / r.naive.perSecond, 2)} × naive (target ≥ 3); p99 ${f(r.naive.p99, 1)} ms`,
    ],
    [
      "ceiling: batch Worker work, not stored",
      `${f(r.batchUnstored)} sales/s`,
      "validation, catalog and prices of 1 000-sale batches, no shard",
    ],
    ["batch ingest, first 10 % (client ids)", `${f(first)} sales/s`, "the first burst"],
    [
      "batch ingest, last 10 % (client ids)",
      `${f(last)} sales/s`,
      `slope ${f(last / (first || 1), 2)} (target ≥ 0.8)`,
    ],
    [
      `batch ingest sustained, 0 → ${f(r.inD1)} sales in D1`,
      `${f(r.sustained)} sales/s`,
      `the final backlog of ${f(r.finalFlush.flushed)} written in ${f(r.finalFlush.seconds, 1)} s is included`,
    ],
    [
      "batch ingest through the terminal SDK",
      `${f(r.viaSdk)} sales/s`,
      "8 terminals, UUIDv7 ids, queued in memory, 1 000 a batch, gzip",
    ],
    [
      "batch ingest, one-line sales (UUIDv7), same point of D1",
      `${f(r.receipts.sales.perSecond)} sales/s`,
      `${f(r.receipts.count)} sales; ${f(r.receipts.sales.written, 2)} rows written and ${f(r.receipts.sales.bytes)} D1 bytes a sale`,
    ],
    [
      "batch ingest, 3-line receipts (UUIDv7), same point of D1",
      `${f(r.receipts.receipts.perSecond)} receipts/s`,
      `${f(r.receipts.receipts.perSecond / r.receipts.sales.perSecond, 2)} × one-line sales/s (target ≥ 0.7); ${f(r.receipts.receipts.perSecond * 3)} lines/s; ${f(r.receipts.receipts.written, 2)} rows written a receipt (target ≤ 1.5); ${f(r.receipts.receipts.bytes)} D1 bytes a receipt`,
    ],
    [
      "batch ingest, server ids",
      `${f(r.withoutIds)} sales/s`,
      "sales sent without ids: nothing to look up",
    ],
    [
      "empty route p50, read one at a time as the reports below",
      `${f(r.smallEmptyP50, 2)} → ${f(r.bigEmptyP50, 2)} ms`,
      `at ${f(1000)} and at ${f(r.atEnd)} sales: ratio ${f(r.bigEmptyP50 / r.smallEmptyP50, 2)}, the machine's own drift between the two readings`,
    ],
    [`top-shops p50 at ${f(1000)} sales`, `${f(r.smallShopsP50, 2)} ms`, ""],
    [
      `top-shops p50 at ${f(r.atEnd)} sales`,
      `${f(r.bigShopsP50, 2)} ms`,
      `ratio ${f(r.bigShopsP50 / r.smallShopsP50, 2)} (target ≤ 1.5)`,
    ],
    [`top-products p50 at ${f(1000)} sales`, `${f(r.smallProductsP50, 2)} ms`, ""],
    [
      `top-products p50 at ${f(r.atEnd)} sales`,
      `${f(r.bigProductsP50, 2)} ms`,
      `ratio ${f(r.bigProductsP50 / r.smallProductsP50, 2)} (target ≤ 1.5)`,
    ],
    ...[
      ["yearByDay", "range report, 365 days by day, 3 currencies converted"],
      ["yearByMonth", "range report, 365 days by month, 3 currencies converted"],
      ["quarterTopShops", "top-shops over a quarter (from/to), 3 currencies converted"],
    ].flatMap(([key, label]) => [
      [`${label}, p50 at ${f(1000)} sales`, `${f(r.smallRanges[key], 2)} ms`, "uncached"],
      [
        `${label}, p50 at ${f(r.atEnd)} sales`,
        `${f(r.bigRanges[key], 2)} ms`,
        `ratio ${f(r.bigRanges[key] / r.smallRanges[key], 2)} (target ≤ 1.5)`,
      ],
    ]),
    [
      "refunds, batches of 1 000",
      `${f(r.refunds)} refunds/s`,
      `each of 20 000 sales refunded once; sales/s above for comparison`,
    ],
    [
      "upload 1 000 orders × 3 items",
      `${f(r.upload.ms)} ms`,
      `${r.upload.statements} D1 statements in 1 batch (median of ${r.upload.runs}: create, then update)`,
    ],
    [
      "isolate JS heap, peak under load",
      `${f(r.heapPeak / 2 ** 20, 1)} MiB`,
      "the Worker and its Durable Objects' isolate (limit 128 MB)",
    ],
    [
      "workerd process, peak RSS (VmHWM)",
      `${f(r.peakRssKb / 1024)} MiB`,
      "includes local D1's and the objects' SQLite page caches",
    ],
  ];
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\nRetail Edge benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `${r.SECONDS} s per HTTP phase, ${r.CONCURRENCY} concurrent connections from one Node process on the same machine; local state under ${r.STATE_PARENT}.\n`,
  );
  console.log("| measure | result | note |\n| --- | --- | --- |");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log(
    `\nbatch ingest per 10 % of the way (sales/s): ${r.segments.map((s) => f(s)).join(", ")}`,
  );
  console.log(`all-time top product quantity: ${r.topQuantity}`);
}
