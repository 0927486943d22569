// The bench's archive phase (docs/ARCHIVE.md#the-job): a closed month of ARCHIVE_SALES sales
// ingested as terminals send them, then archived to Parquet in R2 by the job, with its
// throughput, D1's bytes per transaction before and the Parquet bytes after, the D1 space the
// delete frees, the read-back of an archived receipt, and the isolate's heap during the job.

/** D1's size, as D1 reports it with every statement. */
async function d1Size(d1) {
  const { meta } = await d1.prepare("SELECT 1").run();
  return Number(meta.size_after);
}

/** The month's sales still in D1. */
async function salesOf(d1, month) {
  const row = await d1
    .prepare("SELECT count(*) AS n FROM sales WHERE substr(business_day, 1, 7) = ?1")
    .bind(month)
    .first();
  return Number(row.n);
}

/** A closed month for the bench: two months back, ended for every zone long since. */
function closedMonth(now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return d.toISOString().slice(0, 7);
}

async function waitForJob(get, id) {
  for (;;) {
    const job = await get(`/api/v1/admin/jobs/${id}`);
    if (job.status === "succeeded") return job;
    if (job.status === "failed") throw new Error(`archive job failed: ${job.error}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function archivePhase(kit, count) {
  const { log, base, adminHeaders, randomSale, ingestBatches, flushAll, d1, p50Of } = kit;
  const get = async (p) => (await fetch(`${base}${p}`, { headers: adminHeaders })).json();
  const month = closedMonth();
  const [y, m] = month.split("-").map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  // Noon UTC of a day of the month: the business day is in the month in every shop's zone.
  const soldAt = (i) =>
    `${month}-${String(1 + (i % days)).padStart(2, "0")}T${String(10 + (i % 4)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00Z`;
  const sampled = [];

  log(`archive: ${count} sales dated in ${month}, ingested in batches`);
  await flushAll();
  const empty = await d1Size(d1);
  await ingestBatches(count, {
    ids: "v7",
    make: (i) => {
      const sale = { ...randomSale(i, true, 0, "v7"), sold_at: soldAt(i) };
      if (i % Math.max(1, Math.floor(count / 200)) === 0) sampled.push(sale);
      return sale;
    },
  });
  await flushAll();
  const before = await d1Size(d1);
  const inD1 = await salesOf(d1, month);
  if (inD1 < count) throw new Error(`only ${inD1} of ${count} sales of ${month} are in D1`);

  // What the isolate holds before the job (the shards' windows, Rankings): the job's own share
  // is the difference.
  const heapBefore = await kit.sampleHeap({ forMs: 1000, everyMs: 250 });
  log(`archive: the job moves ${month} to R2`);
  const started = performance.now();
  const run = await fetch(`${base}/api/v1/admin/archive/${month}/run`, {
    method: "POST",
    headers: adminHeaders,
  });
  if (run.status !== 202) throw new Error(`archive run → ${run.status} ${await run.text()}`);
  const { job_id } = await run.json();
  // The heap sampled through the whole job: the inspector's reads cost the isolate little.
  let sampling = true;
  const heap = (async () => {
    let peak = 0;
    while (sampling) peak = Math.max(peak, await kit.sampleHeap({ forMs: 2000, everyMs: 250 }));
    return peak;
  })();
  await waitForJob(get, job_id);
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  const heapPeak = await heap;
  const after = await d1Size(d1);
  const listed = (await get("/api/v1/admin/archive")).months.find((x) => x.month === month);
  const left = await salesOf(d1, month);
  if (listed.state !== "archived" || listed.sales !== inD1 || left !== 0)
    throw new Error(`archive: ${listed.state}, ${listed.sales} of ${inD1} in R2, ${left} left`);

  log("archive: read-back of archived receipts");
  const readBackP50 = await p50Of((i) => {
    const s = sampled[i % sampled.length];
    return `/api/v1/shops/${s.shop_id}/sales/${s.id}`;
  }, 200);
  const one = await get(`/api/v1/shops/${sampled[0].shop_id}/sales/${sampled[0].id}`);
  if (one.archived !== true) throw new Error(`read-back: ${JSON.stringify(one)}`);

  return {
    month,
    transactions: inD1,
    seconds,
    perSecond: inD1 / seconds,
    d1BytesPerTxn: (before - empty) / count,
    parquetBytesPerTxn: listed.bytes / inD1,
    files: listed.files.length,
    parquetBytes: listed.bytes,
    emptySize: empty,
    sizeBefore: before,
    sizeAfter: after,
    readBackP50,
    heapPeak,
    heapBefore,
  };
}

const f = (n, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

/** The archive phase's rows, in the table's form. */
export function printArchive(a) {
  const mb = (n) => `${f(n / 1e6, 1)} MB`;
  const rows = [
    [
      `archive job, ${f(a.transactions)} transactions of ${a.month}`,
      `${f(a.perSecond)} transactions/s`,
      `${f(a.seconds, 1)} s from the request to the job's end: ${a.files} Parquet parts written, read back and checked, then the rows deleted from D1 (no freeze wait: one isolate)`,
    ],
    [
      "bytes per transaction, D1 before",
      f(a.d1BytesPerTxn),
      "D1's growth while the month was ingested, over its sales (rows, indexes, rollups)",
    ],
    [
      "bytes per transaction, Parquet after",
      f(a.parquetBytesPerTxn, 1),
      `${mb(a.parquetBytes)} in R2, ${f(a.d1BytesPerTxn / a.parquetBytesPerTxn, 1)} × smaller`,
    ],
    [
      "D1 space returned",
      mb(a.sizeBefore - a.sizeAfter),
      `D1's size ${mb(a.sizeBefore)} → ${mb(a.sizeAfter)}, ${f(((a.sizeBefore - a.sizeAfter) / (a.sizeBefore - a.emptySize)) * 100)} % of what the month had added`,
    ],
    [
      "read-back of an archived receipt, p50",
      `${f(a.readBackP50, 2)} ms`,
      "GET /api/v1/shops/{shop}/sales/{id}: the part's footer and one page from R2",
    ],
    [
      "isolate JS heap, peak during the job",
      `${f(a.heapPeak / 2 ** 20, 1)} MiB`,
      `sampled through the whole job (limit 128 MB); ${f(a.heapBefore / 2 ** 20, 1)} MiB just before it, the shards and Rankings in the same isolate`,
    ],
  ];
  console.log("\n| archive | result | note |\n| --- | --- | --- |");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}
