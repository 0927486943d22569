import { applyD1Migrations, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { links } from "../../../src/modules";
import { storedInD1 } from "../../../src/modules/sales/core/stored";
import { rebucketJob } from "../../../src/modules/sales/rebucket/rebucket";
import { salesReport } from "../../../src/modules/sales/reports/range-reports";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { MIGRATIONS } from "../../../src/modules/sales/shard/storage-migrations";
import { createServiceContext } from "../../../src/platform/context";
import { migrateStorage } from "../../../src/platform/durable/migrate";
import { admin } from "../../support/http";
import { flush } from "../../support/sales";

// Receipts came with a new storage of sales (docs/API.md#receipts): a D1 holding one-line sales
// and refunds of the schema before is migrated in place and answers every report as before; a
// shard whose buffer holds transactions of the layout before migrates them on wake and flushes
// them as receipts.

const db = () => env.MIGRATION_DB;
const day = (d: number) => `2026-05-${String(d).padStart(2, "0")}`;

/** One-line sales and refunds as the schema before 0015 stored them, with their rollups. */
async function oldHistory() {
  const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0015");
  await applyD1Migrations(db(), before);
  const statements = [
    "INSERT INTO products (id, name, model, price_minor, release_date) VALUES (1, 'Tea', 'T', 350, '2024-01-01'), (2, 'Cup', 'C', 1299, '2024-01-01')",
    "INSERT INTO shops (id, name, address) VALUES (1, 'North', '1 North St'), (2, 'South', '2 South St')",
  ];
  const sales: [number, string, number, number, number, string][] = [];
  for (let i = 0; i < 40; i++) {
    sales.push([
      1 + (i % 2),
      `S-${i}`,
      1 + (i % 3 === 0 ? 1 : 0),
      1 + (i % 4),
      i % 5 === 0 ? 1299 : 350,
      day(1 + (i % 6)),
    ]);
  }
  for (const [shop, id, product, quantity, price, d] of sales) {
    statements.push(
      `INSERT INTO sales (shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at, business_day, flush_shard, flush_seq)
       VALUES (${shop}, '${id}', ${product}, ${quantity}, ${price}, ${Date.parse(`${d}T10:00:00Z`)}, '${d}', 0, 1)`,
    );
  }
  const refunded = sales.filter((_, i) => i % 3 === 0);
  for (const [shop, id, product, quantity, price, d] of refunded) {
    const next = `${d.slice(0, 8)}${String(Number(d.slice(8)) + 1).padStart(2, "0")}`;
    statements.push(
      `INSERT INTO refunds (shop_id, refund_id, sale_id, product_id, quantity, unit_price_minor, refunded_at, business_day, flush_shard, flush_seq)
       VALUES (${shop}, 'R-${id}', '${id}', ${product}, ${Math.min(quantity, 1)}, ${price}, ${Date.parse(`${next}T10:00:00Z`)}, '${next}', 0, 2)`,
    );
  }
  // The rollups as the flush before kept them: gross, refunds, items, sales.
  const terms = `SELECT business_day AS day, shop_id, product_id, quantity * unit_price_minor AS g, 0 AS r,
      quantity AS q, 0 AS rq, 1 AS n FROM sales
    UNION ALL SELECT business_day, shop_id, product_id, 0, quantity * unit_price_minor, 0, quantity, 0 FROM refunds`;
  statements.push(
    `INSERT INTO shop_product_day SELECT day, shop_id, product_id, sum(g), sum(r), sum(q), sum(rq), sum(n) FROM (${terms}) GROUP BY 1, 2, 3`,
    `INSERT INTO shop_day SELECT day, shop_id, sum(g), sum(r), sum(q), sum(rq), sum(n) FROM (${terms}) GROUP BY 1, 2`,
    `INSERT INTO product_day SELECT day, product_id, sum(g), sum(r), sum(q), sum(rq), sum(n) FROM (${terms}) GROUP BY 1, 2`,
    "INSERT INTO sales_flush_log (shard, seq, last_row, rows, flushed_at) VALUES (0, 1, 40, 40, 0), (0, 2, 54, 14, 0)",
  );
  await db().batch(statements.map((s) => db().prepare(s)));
  return { sales, refunded };
}

const rollups = async () =>
  (await db().prepare("SELECT * FROM shop_product_day ORDER BY day, shop_id, product_id").all())
    .results;

describe("the receipts migration (0015) on a database that holds sales and refunds", () => {
  it("keeps every sale, refund and figure: the reports answer as before, re-bucketing too", async () => {
    const { sales, refunded } = await oldHistory();
    const oldTotals = await db()
      .prepare(
        "SELECT sum(gross_minor) g, sum(refunds_minor) r, sum(items_sold) q, sum(items_refunded) rq, sum(sales) n FROM shop_day",
      )
      .first<{ g: number; r: number; q: number; rq: number; n: number }>();
    await applyD1Migrations(db(), env.TEST_MIGRATIONS);

    const ctx = createServiceContext({ ...env, DB: db() }, { kind: "system" }, links);
    const report = await salesReport(ctx, {
      from: day(1),
      to: day(8),
      interval: "day",
      shopId: null,
      productId: null,
      currency: "RUB",
    });
    expect(report.totals).toMatchObject({
      gross: (oldTotals?.g ?? 0) / 100,
      refunds: (oldTotals?.r ?? 0) / 100,
      net: ((oldTotals?.g ?? 0) - (oldTotals?.r ?? 0)) / 100,
      items_sold: oldTotals?.q,
      items_refunded: oldTotals?.rq,
      sales: sales.length,
      discounts: 0,
      tax: 0,
    });
    // Each sale is now a receipt of one line, each refund one of line 1, as stored before.
    const stored = await storedInD1(db(), [
      ...sales.map(([shop, id]): [number, string] => [shop, id]),
      ...refunded.map(([shop, id]): [number, string] => [shop, `R-${id}`]),
    ]);
    for (const [shop, id, product, quantity, price] of sales) {
      expect(stored.get(`${shop}:${id}`)).toMatchObject({
        refundOf: null,
        lines: [[product, quantity, price, 0, 0, 0]],
        discountMinor: 0,
      });
    }
    for (const [shop, id, product, , price] of refunded) {
      expect(stored.get(`${shop}:R-${id}`)).toMatchObject({
        refundOf: id,
        lines: [[1, product, 1, price, 0]],
      });
    }
    // Re-bucketing recomputes a shop's rollups from the migrated lines: the same rows come back.
    const before = await rollups();
    for (const shopId of [1, 2]) await rebucketJob.run(ctx, { shopId, requestedAt: Date.now() });
    expect(await rollups()).toEqual(before);
  });
});

describe("the shard's storage migration (v8)", () => {
  it("turns buffered one-line sales and refunds into receipts and flushes them", async () => {
    const res = await admin("/api/v1/admin/products", {
      body: { name: "Old", model: "O", price: 2.5, release_date: "2024-01-01" },
    });
    const product = res.json.id as number;
    const shop = (
      await admin("/api/v1/admin/shops", { body: { name: "Old", address: "1 Old St" } })
    ).json.id as number;
    await flush();
    // A shard of its own, taken back to v7 and given rows of that layout.
    const stub = env.SALES_INGEST.get(env.SALES_INGEST.newUniqueId());
    const at = Date.parse("2026-05-02T10:00:00Z");
    await runInDurableObject(stub, (_o: SalesIngest, state) => {
      const sql = state.storage.sql;
      for (const t of [
        "buffer_appends",
        "meta",
        "refunded",
        "terminals",
        "seen_flushes",
        "schema_version",
      ])
        sql.exec(`DROP TABLE IF EXISTS ${t}`);
      sql.exec("DROP VIEW IF EXISTS buffer");
      migrateStorage(state.storage, MIGRATIONS.slice(0, 7));
      sql.exec("INSERT INTO meta (key, value) VALUES ('shard', 99)");
      const rows = [
        [shop, "V7-1", product, 3, 250, at, "", null, 1, at],
        [shop, "V7-R", product, 1, 250, at + 1000, "2026-05-02", "V7-1", 1, at],
      ];
      sql.exec(
        "INSERT INTO buffer_appends (first_seq, n, rows) VALUES (1, 2, ?)",
        JSON.stringify(rows),
      );
      sql.exec("INSERT INTO refunded (shop_id, sale_id, quantity) VALUES (?, 'V7-1', 1)", shop);
      expect(migrateStorage(state.storage, MIGRATIONS)).toBe(MIGRATIONS.length);
      const buffered = sql
        .exec<{ sale_id: string; lines: string; business_day: string }>(
          "SELECT sale_id, lines, business_day FROM buffer ORDER BY seq",
        )
        .toArray();
      expect(buffered).toEqual([
        {
          sale_id: "V7-1",
          lines: JSON.stringify([[product, 3, 250, 0, 0, 0]]),
          business_day: "2026-05-02",
        },
        {
          sale_id: "V7-R",
          lines: JSON.stringify([[1, product, 1, 250, 0]]),
          business_day: "2026-05-02",
        },
      ]);
      expect(sql.exec("SELECT lines FROM refunded").one().lines).toBe("[1]");
    });
    // A new instance loads the migrated buffer and flushes it as a receipt and its refund.
    await evictDurableObject(stub);
    await stub.flushAll();
    expect(await stub.buffered()).toBe(0);
    const stored = await storedInD1(env.DB, [
      [shop, "V7-1"],
      [shop, "V7-R"],
    ]);
    expect(stored.get(`${shop}:V7-1`)?.lines).toEqual([[product, 3, 250, 0, 0, 0]]);
    expect(stored.get(`${shop}:V7-R`)?.lines).toEqual([[1, product, 1, 250, 0]]);
    const report = await admin(
      `/api/v1/reports/sales?from=2026-05-02&to=2026-05-02&shop_id=${shop}`,
    );
    expect(report.json.totals).toMatchObject({ gross: 7.5, refunds: 2.5, net: 5, sales: 1 });
  });
});
