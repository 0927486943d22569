// What a sale costs on Cloudflare, from the runtime's own counters in this run: rows written
// and read by table, Durable Object requests, Worker requests and CPU, at list prices.

// Workers Paid list prices, read 2026-12-02 from developers.cloudflare.com (Workers, Durable
// Objects and D1 pricing pages); the monthly inclusions are left out: this is the marginal cost.
export const PRICES = {
  read: "2026-12-02",
  workerRequestPerM: 0.3,
  workerCpuMsPerM: 0.02,
  doRequestPerM: 0.15,
  rowWrittenPerM: 1.0, // D1 and SQLite-backed Durable Objects alike
  rowReadPerM: 0.001,
  doGbSecondPerM: 12.5,
};

const f = (n, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const usd = (n) => `$${f(n, n < 0.1 ? 4 : 2)}`;

/**
 * Dollars per million sales: a count per sale times a price per million is the cost of a
 * million sales. `rows`: the phase's per-sale counts; `requestsPerSale`: Worker
 * requests; `cpuMsPerSale`: the Worker's own work (its ceiling phase on one thread).
 */
export function costPerMillion(rows, { requestsPerSale, cpuMsPerSale }) {
  const parts = {
    "rows written": rows.written * PRICES.rowWrittenPerM,
    "rows read": rows.read * PRICES.rowReadPerM,
    "Durable Object requests": rows.doRequests * PRICES.doRequestPerM,
    "Worker requests": requestsPerSale * PRICES.workerRequestPerM,
    // A million sales of `cpuMsPerSale` each: that many million CPU milliseconds.
    "Worker CPU": cpuMsPerSale * PRICES.workerCpuMsPerM,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { parts, total };
}

/** The rows and cost tables, as committed to docs/BENCHMARKS.md. */
export function printCost(r) {
  const batchCost = costPerMillion(r.batchRows, {
    requestsPerSale: 1 / 1000,
    cpuMsPerSale: 1000 / r.batchUnstored,
  });
  const singleCost = costPerMillion(r.singleRows, {
    requestsPerSale: 1,
    cpuMsPerSale: 1000 / r.unstored.perSecond,
  });
  console.log("\nRows per transaction, from the runtime's counters (D1 `meta`, SQL cursors):\n");
  console.log("| path | rows written | rows read | object requests | target |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const [label, rows, target] of [
    ["batch, sustained (1 000 a request)", r.batchRows, "≤ 3 written"],
    ["single sale, 32 connections", r.singleRows, "≤ 5 written"],
    ["refund, batches of 1 000", r.refundRows, ""],
    ["3-line receipt, batches of 1 000", r.receipts.receipts, "≤ 1.5 written"],
  ]) {
    console.log(
      `| ${label} | ${f(rows.written, 2)} | ${f(rows.read, 2)} | ${f(rows.doRequests, 3)} | ${target} |`,
    );
  }
  console.log("\nRows written per transaction by table (read in brackets):\n");
  console.log(
    "| table | batch | single | refund | 3-line receipt |\n| --- | --- | --- | --- | --- |",
  );
  const paths = [r.batchRows, r.singleRows, r.refundRows, r.receipts.receipts];
  const tables = [...new Set(paths.flatMap((p) => p.rows.map((x) => x.table)))].sort();
  for (const table of tables) {
    const cells = paths.map((p) => {
      const row = p.rows.find((x) => x.table === table);
      return row ? `${f(row.written, 3)} (${f(row.read, 2)})` : "—";
    });
    if (cells.every((c) => c === "—" || c.startsWith("0.000 (0.00)"))) continue;
    console.log(`| ${table} | ${cells.join(" | ")} |`);
  }
  console.log(`\nCost per million sales at list prices (read ${PRICES.read}):\n`);
  console.log("| part | batch | single |\n| --- | --- | --- |");
  for (const part of Object.keys(batchCost.parts)) {
    console.log(`| ${part} | ${usd(batchCost.parts[part])} | ${usd(singleCost.parts[part])} |`);
  }
  console.log(
    `| **total** | **${usd(batchCost.total)}** (target ≤ $3) | **${usd(singleCost.total)}** (target ≤ $6) |`,
  );
  console.log(
    "\nThe ceiling: the same durable work in raw SQLite (node:sqlite, WAL, synchronous=FULL):\n",
  );
  console.log(
    "| ids | ceiling | Retail Edge | ratio (target ≥ 1.0) | slope, ceiling | slope, Retail Edge |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  const slope = (segments) => (segments.at(-1) ?? 0) / (segments[0] || 1);
  for (const [ids, ceiling, ours, segments] of [
    [`UUIDv4, 0 → ${f(r.inD1)}`, r.ceilingV4, r.sustained, r.segments],
    [`UUIDv7, ${f(r.inD1)} → ${f(2 * r.inD1)}`, r.ceilingV7, r.sustainedV7, r.segmentsV7],
  ]) {
    console.log(
      `| ${ids} | ${f(ceiling.perSecond)} sales/s | ${f(ours)} sales/s | ${f(ours / ceiling.perSecond, 2)} | ${f(slope(ceiling.segments), 2)} | ${f(slope(segments), 2)} (target ≥ 0.8 with v7) |`,
    );
  }
}
