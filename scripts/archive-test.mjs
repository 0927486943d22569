// The archive read by an outside tool (docs/ARCHIVE.md#reading-it-elsewhere): a served copy
// takes a month of receipts and refunds, archives it to Parquet in its local R2, and DuckDB
// (@duckdb/node-api, in Node, outside the Worker) reads the downloaded files to the per-shop
// figures the API reports, to the minor unit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { checks } from "./lib/checks.mjs";
import { startServer } from "./lib/server.mjs";

const PORT = Number(process.env.ARCHIVE_TEST_PORT ?? 8796);
const MONTH = "2025-06";
const state = mkdtempSync(path.join(os.tmpdir(), "retail-edge-archive-"));
const files = path.join(state, "download");
const { check, done } = checks("archive");

const server = await startServer({ port: PORT, stateDir: state, seed: false });
const headers = {
  authorization: `Bearer ${server.adminToken}`,
  "content-type": "application/json",
};
async function api(p, body) {
  const res = await fetch(`${server.base}${p}`, {
    method: body === undefined ? "GET" : "POST",
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    json: res.headers.get("content-type")?.includes("json") ? await res.json() : null,
    res,
  };
}

try {
  const shops = [];
  const products = [];
  for (let i = 0; i < 3; i++)
    shops.push(
      (await api("/api/v1/admin/shops", { name: `Shop ${i}`, address: `${i} Archive St` })).json.id,
    );
  for (let i = 0; i < 4; i++)
    products.push(
      (
        await api("/api/v1/admin/products", {
          name: `P${i}`,
          model: "M",
          price: 10 + i * 7.35,
          release_date: "2024-01-01",
        })
      ).json.id,
    );
  // 300 receipts of 1–4 lines with promotions, line and basket discounts and tax; 30 refunds.
  const receipts = Array.from({ length: 300 }, (_, i) => ({
    id: `DUCK-${i}`,
    shop_id: shops[i % 3],
    sold_at: `${MONTH}-${String(1 + (i % 30)).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:15:00Z`,
    lines: Array.from({ length: 1 + (i % 4) }, (_, k) => ({
      product_id: products[(i + k) % 4],
      quantity: 1 + ((i * 3 + k) % 5),
      ...(k === 0 && i % 3 === 0 && { unit_price: 4.99 }),
      ...(k === 1 && { discount: 0.37 }),
      tax: 0.11 * (k + 1),
    })),
    ...(i % 4 === 0 && { discount: 1.03 }),
  }));
  const refunds = receipts.slice(0, 30).map((r, i) => ({
    type: "refund",
    id: `DUCK-R-${i}`,
    shop_id: r.shop_id,
    sale_id: r.id,
    lines: [{ line: 1, quantity: 1 }],
    refunded_at: `${MONTH}-30T23:00:00Z`,
  }));
  const stored = await api("/api/v1/sales/batch", { sales: [...receipts, ...refunds] });
  check(
    "a month of receipts and refunds is stored",
    stored.json?.accepted === 330,
    JSON.stringify(stored.json),
  );
  await api("/api/v1/admin/sales/flush", {});
  const figures = {};
  for (const shop of shops) {
    const r = await api(`/api/v1/reports/sales?from=${MONTH}-01&to=${MONTH}-30&shop_id=${shop}`);
    figures[shop] = r.json.totals;
  }

  const run = await api(`/api/v1/admin/archive/${MONTH}/run`, {});
  check("the archive job is queued", run.status === 202, JSON.stringify(run.json));
  let job;
  for (let i = 0; i < 120; i++) {
    job = (await api(`/api/v1/admin/jobs/${run.json.job_id}`)).json;
    if (job.status === "succeeded" || job.status === "failed") break;
    await new Promise((r) => setTimeout(r, 500));
  }
  check("the archive job succeeds", job?.status === "succeeded", JSON.stringify(job));
  const month = (await api("/api/v1/admin/archive")).json.months.find((m) => m.month === MONTH);
  check(
    "the month is archived with its files",
    month?.state === "archived" && month.files.length === 2,
    JSON.stringify(month),
  );

  for (const f of month?.files ?? []) {
    const res = await fetch(
      `${server.base}/api/v1/admin/archive/files/${encodeURIComponent(f.key)}`,
      { headers },
    );
    const target = path.join(files, f.key);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, Buffer.from(await res.arrayBuffer()));
  }
  const duck = await (await DuckDBInstance.create(":memory:")).connect();
  const read = async (sql) => (await duck.runAndReadAll(sql)).getRowObjectsJS();
  const sales = await read(`
    SELECT shop_id, count(*)::INT AS receipts, sum(net_minor)::BIGINT AS net, sum(gross_minor)::BIGINT AS gross,
      sum(discounts_minor)::BIGINT AS discounts, sum(tax_minor)::BIGINT AS tax, sum(items)::BIGINT AS items,
      sum(json_array_length(lines))::INT AS lines, min(month) AS month, any_value(typeof(sold_at)) AS at
    FROM read_parquet('${files}/sales/month=*/*.parquet', hive_partitioning = true) GROUP BY shop_id`);
  const back = await read(`
    SELECT shop_id, sum(net_minor)::BIGINT AS net, sum(tax_minor)::BIGINT AS tax, sum(items)::BIGINT AS items
    FROM read_parquet('${files}/refunds/month=*/*.parquet') GROUP BY shop_id`);
  const minor = (v) => Math.round(v * 100);
  for (const shop of shops) {
    const s = sales.find((r) => r.shop_id === shop) ?? {};
    const r = back.find((x) => x.shop_id === shop) ?? { net: 0n, tax: 0n, items: 0n };
    const api = figures[shop];
    const duckFigures = {
      sales: s.receipts,
      gross: Number(s.gross),
      discounts: Number(s.discounts),
      refunds: Number(r.net),
      net: Number(s.net) - Number(r.net),
      // The reports' tax is what was collected less what refunds returned.
      tax: Number(s.tax) - Number(r.tax),
      items_sold: Number(s.items),
      items_refunded: Number(r.items),
    };
    const apiFigures = {
      sales: api.sales,
      gross: minor(api.gross),
      discounts: minor(api.discounts),
      refunds: minor(api.refunds),
      net: minor(api.net),
      tax: minor(api.tax),
      items_sold: api.items_sold,
      items_refunded: api.items_refunded,
    };
    check(
      `DuckDB reads shop ${shop}'s month to the API's figures, to the minor unit`,
      JSON.stringify(duckFigures) === JSON.stringify(apiFigures),
      `${JSON.stringify(duckFigures)} ≠ ${JSON.stringify(apiFigures)}`,
    );
  }
  const lines = receipts.reduce((n, r) => n + r.lines.length, 0);
  check(
    "the files carry every line, the hive month and UTC timestamps",
    sales.reduce((n, s) => n + s.lines, 0) === lines &&
      sales.every((s) => s.month === MONTH && s.at === "TIMESTAMP"),
    JSON.stringify(sales, (_, v) => (typeof v === "bigint" ? Number(v) : v)),
  );

  // A year of history, archived by the cron job as it runs each night: every closed month
  // moves, D1 shrinks, and the year's reports do not move.
  const now = new Date();
  const months = Array.from({ length: 12 }, (_, i) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11 + i, 1))
      .toISOString()
      .slice(0, 7),
  );
  const year = months.flatMap((m, i) =>
    Array.from({ length: 150 }, (_, k) => ({
      id: `YEAR-${m}-${k}`,
      shop_id: shops[k % 3],
      sold_at: `${m}-${String(1 + (k % 27)).padStart(2, "0")}T12:00:00Z`,
      lines: [{ product_id: products[(i + k) % 4], quantity: 1 + (k % 3), tax: 0.2 }],
    })),
  );
  const today = now.toISOString().slice(0, 10);
  const posted = year.filter((r) => r.sold_at <= now.toISOString());
  for (let i = 0; i < posted.length; i += 1000) {
    const batch = await api("/api/v1/sales/batch", { sales: posted.slice(i, i + 1000) });
    if (batch.json?.accepted !== Math.min(1000, posted.length - i))
      throw new Error(`a year's batch: ${JSON.stringify(batch.json)}`);
  }
  await api("/api/v1/admin/sales/flush", {});
  const yearReports = async () =>
    JSON.stringify(
      await Promise.all([
        api(`/api/v1/reports/sales?from=${months[0]}-01&to=${today}&interval=month`),
        ...months.map((m) => api(`/api/v1/reports/top-shops?month=${m}`)),
      ]).then((rs) => rs.map((r) => r.json)),
      // When each answer was read is not a figure.
      (k, v) => (k === "as_of" ? undefined : v),
    );
  const reportsBefore = await yearReports();
  await api("/api/v1/admin/jobs/d1-capacity/run", {});
  const sizeBefore = (await api("/api/v1/admin/capacity")).json.size_bytes;
  const cron = await api("/api/v1/admin/jobs/archive-closed-months/run", {});
  const due = cron.json?.result?.months ?? [];
  check(
    "the cron job finds every month closed for 45 days, and no other",
    due.length >= 9 && due.every((m) => m < months[11]) && !due.includes(months[11]),
    JSON.stringify(cron.json),
  );
  let listed = [];
  for (let i = 0; i < 240; i++) {
    listed = (await api("/api/v1/admin/archive")).json.months;
    if (due.every((m) => listed.find((x) => x.month === m)?.state === "archived")) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  check(
    "every closed month of the year is archived",
    due.every((m) => listed.find((x) => x.month === m)?.state === "archived"),
    JSON.stringify(listed.map((m) => [m.month, m.state])),
  );
  await api("/api/v1/admin/jobs/d1-capacity/run", {});
  const capacity = (await api("/api/v1/admin/capacity")).json;
  check(
    "D1 shrinks, and its rows per table count no archived transaction",
    capacity.size_bytes < sizeBefore &&
      capacity.rows.sales === posted.filter((r) => !due.includes(r.sold_at.slice(0, 7))).length,
    `${sizeBefore} → ${capacity.size_bytes} bytes; ${capacity.rows.sales} sales rows`,
  );
  const reportsAfter = await yearReports();
  check(
    "the year's reports answer the same",
    reportsAfter === reportsBefore,
    `${reportsBefore.slice(0, 3000)}\n≠\n${reportsAfter.slice(0, 3000)}`,
  );
} catch (error) {
  check("archive run", false, String(error?.stack ?? error));
} finally {
  await server.kill();
  rmSync(state, { recursive: true, force: true });
}
done();
