import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { monthRange } from "../../../src/lib/business-day";
import { rankingsStub, shardOf, shardStub } from "../../../src/modules/sales/core/shards";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { admin, call, registerAndLogin } from "../../support/http";
import {
  createKey,
  createProduct,
  createShop,
  flush,
  postBatch,
  SALE_ITEMS,
  sale,
  topProducts,
  topShops,
} from "../../support/sales";

// Each test reads its own months, so the 1 s report cache never serves one test another's data.
let year = 1990;
const freshMonth = (m = "06") => `${year++}-${m}`;

/** Every shop here sells in the deployment's currency: nothing is converted. */
const inRoubles = { currency: "RUB", fx: {}, unconverted: {} };

/** The reports as SQL over the sales table computes them: the ground truth. */
async function groundTruthShops(month: string) {
  const { results } = await env.DB.prepare(
    `select s.shop_id, sh.name, sh.address, sum((l.value ->> 1) * (l.value ->> 2)) as revenue
     from sales s, json_each(s.lines) l join shops sh on sh.id = s.shop_id
     where substr(s.business_day, 1, 7) = ?
     group by s.shop_id order by revenue desc, s.shop_id asc limit 10`,
  )
    .bind(month)
    .all<{ shop_id: number; name: string; address: string; revenue: number }>();
  return results.map((r) => ({
    shop_id: r.shop_id,
    name: r.name,
    address: r.address,
    revenue: r.revenue / 100,
    currency: "RUB",
    net_native: r.revenue / 100,
  }));
}

async function groundTruthProducts(month: string | null) {
  const { results } = await env.DB.prepare(
    `select l.value ->> 0 as product_id, p.name, sum(l.value ->> 1) as quantity,
            sum((l.value ->> 1) * (l.value ->> 2)) as gross,
            sum((l.value ->> 3) + (l.value ->> 4)) as discounts
     from sales s, json_each(s.lines) l join products p on p.id = l.value ->> 0
     ${month ? "where substr(s.business_day, 1, 7) = ?" : ""}
     group by 1 order by quantity desc, 1 asc limit 10`,
  )
    .bind(...(month ? [month] : []))
    .all<{
      product_id: number;
      name: string;
      quantity: number;
      gross: number;
      discounts: number;
    }>();
  return results.map((r) => ({
    ...r,
    gross: r.gross / 100,
    discounts: r.discounts / 100,
    net: (r.gross - r.discounts) / 100,
  }));
}

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("top-10 reports", () => {
  it("equal the SQL ground truth after a random load", async () => {
    const random = mulberry32(42);
    const products = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        createProduct(Math.round(random() * 100000) / 100, `Rand ${i}`),
      ),
    );
    const shops = await Promise.all(Array.from({ length: 14 }, () => createShop()));
    const months = [freshMonth("01"), freshMonth("02")];
    const items = Array.from({ length: 1500 }, () => {
      const month = months[Math.floor(random() * months.length)] as string;
      const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
      return sale(
        (products[Math.floor(random() * products.length)] as { id: number }).id,
        (shops[Math.floor(random() * shops.length)] as { id: number }).id,
        { quantity: 1 + Math.floor(random() * 20), sold_at: `${month}-${day}T12:00:00Z` },
      );
    });
    for (let i = 0; i < items.length; i += 500) await postBatch(items.slice(i, i + 500));
    await flush();
    for (const month of months) {
      const shopsReport = await topShops(month);
      expect(shopsReport.status).toBe(200);
      expect(shopsReport.json).toEqual({
        month,
        ...monthRange(month),
        items: await groundTruthShops(month),
        ...inRoubles,
        rebuilding: [],
      });
      expect(shopsReport.json.items).toHaveLength(10);
      const productsReport = await topProducts(month);
      expect(productsReport.json).toEqual({
        period: month,
        by: "quantity",
        items: await groundTruthProducts(month),
        ...inRoubles,
        rebuilding: [],
      });
    }
    const allTime = await topProducts();
    expect(allTime.json).toEqual({
      period: "all",
      by: "quantity",
      items: await groundTruthProducts(null),
      ...inRoubles,
      rebuilding: [],
    });
  });

  it("puts a sale in its UTC month, whatever the zone it was sent with", async () => {
    const [product, shopA, shopB] = await Promise.all([
      createProduct(1),
      createShop(),
      createShop(),
    ]);
    const jan = `${year}-01`;
    const feb = `${year++}-02`;
    // 23:30 at UTC-02:00 on 31 January is 01:30 UTC on 1 February.
    await postBatch([
      sale(product.id, shopA.id, { sold_at: `${jan}-31T23:30:00-02:00` }),
      sale(product.id, shopB.id, { sold_at: `${feb}-01T00:30:00+03:00` }),
    ]);
    await flush();
    expect((await topShops(feb)).json.items.map((i: { shop_id: number }) => i.shop_id)).toEqual([
      shopA.id,
    ]);
    expect((await topShops(jan)).json.items.map((i: { shop_id: number }) => i.shop_id)).toEqual([
      shopB.id,
    ]);
  });

  it("breaks ties by id ascending", async () => {
    const [p1, p2] = await Promise.all([createProduct(5), createProduct(5)]);
    const shops = [await createShop(), await createShop(), await createShop()];
    const month = freshMonth();
    const at = `${month}-10T10:00:00Z`;
    await postBatch([
      sale(p2.id, shops[2]?.id as number, { sold_at: at }),
      sale(p1.id, shops[0]?.id as number, { sold_at: at }),
      sale(p2.id, shops[1]?.id as number, { sold_at: at, quantity: 1 }),
      sale(p1.id, shops[1]?.id as number, { sold_at: at, quantity: 1 }),
    ]);
    await flush();
    const report = await topShops(month);
    expect(report.json.items.map((i: { shop_id: number }) => i.shop_id)).toEqual([
      shops[1]?.id,
      shops[0]?.id,
      shops[2]?.id,
    ]);
    const products = await topProducts(month);
    expect(products.json.items.map((i: { product_id: number }) => i.product_id)).toEqual([
      p1.id,
      p2.id,
    ]);
  });

  it("sums money exactly: 0.10 + 0.20 is 0.30", async () => {
    const [dime, twenty] = await Promise.all([createProduct(0.1), createProduct(0.2)]);
    const shop = await createShop();
    const month = freshMonth();
    await postBatch([
      sale(dime.id, shop.id, { sold_at: `${month}-02T00:00:00Z` }),
      sale(twenty.id, shop.id, { sold_at: `${month}-03T00:00:00Z` }),
    ]);
    await flush();
    expect((await topShops(month)).json.items).toEqual([
      {
        shop_id: shop.id,
        name: "Shop",
        address: shop.address,
        revenue: 0.3,
        currency: "RUB",
        net_native: 0.3,
      },
    ]);
  });

  it("keeps the price a sale was accepted at when the price changes later", async () => {
    const [product, shop] = await Promise.all([createProduct(100), createShop()]);
    const month = freshMonth();
    await postBatch([sale(product.id, shop.id, { sold_at: `${month}-05T00:00:00Z` })]);
    await admin(`/api/v1/admin/products/${product.id}`, { method: "PATCH", body: { price: 1 } });
    await postBatch([sale(product.id, shop.id, { sold_at: `${month}-06T00:00:00Z` })]);
    await flush();
    expect((await topShops(month)).json.items[0].revenue).toBe(101);
  });

  it("does not double count a flush replayed after a crash between the D1 commit and the buffer delete", async () => {
    const [product, shop] = await Promise.all([createProduct(7), createShop()]);
    const month = freshMonth();
    const items = Array.from({ length: 30 }, () =>
      sale(product.id, shop.id, { sold_at: `${month}-15T00:00:00Z`, quantity: 2 }),
    );
    await postBatch(items);
    const stub = shardStub(env, shardOf(shop.id));
    type Row = Record<string, SqlStorageValue>;
    const buffered = await runInDurableObject(stub, (_i: SalesIngest, state) =>
      state.storage.sql.exec<Row>("select * from buffer_appends order by first_seq").toArray(),
    );
    expect(buffered.length).toBeGreaterThan(0);
    // The first flush: by the alarm (it may have fired on its own already under load).
    await runDurableObjectAlarm(stub);
    expect(await stub.buffered()).toBe(0);
    const afterFirst = await topShops(month);
    expect(afterFirst.json.items[0].revenue).toBe(30 * 2 * 7);

    // The crash: D1 committed, but the buffer rows were never deleted. Put them back.
    await runInDurableObject(stub, (_i: SalesIngest, state) => {
      for (const r of buffered) {
        state.storage.sql.exec(
          "insert into buffer_appends (first_seq, n, rows) values (?, ?, ?)",
          r.first_seq,
          r.n,
          r.rows,
        );
      }
    });
    expect(await stub.buffered()).toBeGreaterThanOrEqual(30);
    await flush();
    expect(await stub.buffered()).toBe(0);

    const d1 = await env.DB.prepare(
      `select count(*) as n, sum(${SALE_ITEMS}) as q from sales where shop_id = ?`,
    )
      .bind(shop.id)
      .first<{ n: number; q: number }>();
    expect(d1).toEqual({ n: 30, q: 60 });
    const rollup = await env.DB.prepare(
      "select sum(gross_minor) as revenue_minor from shop_day where shop_id = ? and day like ?",
    )
      .bind(shop.id, `${month}-%`)
      .first<{ revenue_minor: number }>();
    expect(rollup?.revenue_minor).toBe(30 * 2 * 700);
    // The rankings themselves (the report's 1 s cache would hide a double count for a while).
    const ranked = await rankingsStub(env).topShops(month);
    expect(ranked).toEqual([{ shopId: shop.id, netMinor: 30 * 2 * 700 }]);
  });

  it("rebuilds the rankings from the D1 rollups after a loss", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const month = freshMonth();
    await postBatch([sale(product.id, shop.id, { sold_at: `${month}-01T00:00:00Z`, quantity: 4 })]);
    await flush();
    // The loss: the ranking counters are wiped.
    await rankingsStub(env).rebuild({ shops: [], products: [], shardSeqs: [] });
    const rebuilt = await admin("/api/v1/admin/rankings/rebuild", { method: "POST" });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json.shops).toBeGreaterThan(0);
    expect((await topShops(month)).json).toEqual({
      month,
      ...monthRange(month),
      items: await groundTruthShops(month),
      ...inRoubles,
      rebuilding: [],
    });
    // Flushes after the rebuild still count exactly once.
    await postBatch([sale(product.id, shop.id, { sold_at: `${month}-02T00:00:00Z`, quantity: 1 })]);
    await flush();
    const products = await rankingsStub(env).topProducts(month);
    expect(products.find((p) => p.productId === product.id)?.quantity).toBe(5);
  });

  it("defaults to the current UTC month and to all time", async () => {
    const shopsNow = await admin("/api/v1/reports/top-shops");
    expect(shopsNow.json.month).toBe(new Date().toISOString().slice(0, 7));
    expect((await admin("/api/v1/reports/top-products")).json.period).toBe("all");
    expect((await admin("/api/v1/reports/top-shops?month=2026-13")).status).toBe(400);
    expect((await admin("/api/v1/reports/top-shops?month=26-01")).status).toBe(400);
  });

  it("is for the operator and reports:read keys; ETags answer 304", async () => {
    const month = freshMonth();
    expect((await call(`/api/v1/reports/top-shops?month=${month}`)).status).toBe(401);
    const salesKey = await createKey({ scopes: ["sales:write"], shop_id: 1 });
    expect((await topShops(month, salesKey)).status).toBe(403);
    const { access } = await registerAndLogin();
    expect((await topShops(month, access)).status).toBe(403);
    const readKey = await createKey({ scopes: ["reports:read"] });
    const ok = await topShops(month, readKey);
    expect(ok.status).toBe(200);
    const tag = ok.headers.get("etag");
    expect(tag).toBeTruthy();
    const again = await call(`/api/v1/reports/top-shops?month=${month}`, {
      token: readKey,
      headers: { "if-none-match": tag ?? "" },
    });
    expect(again.status).toBe(304);
  });
});
