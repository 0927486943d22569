// What a sale costs in rows written (what D1 and Durable Objects bill), from the runtime's own
// counters: the shard's SQL cursors and D1's `meta`, as `npm run bench` reads them.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rankingsStub, shardOf, shardStub } from "../../../src/modules/sales/core/shards";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { createProduct, createShop, flush, postBatch, sale } from "../../support/sales";

describe("rows written per sale", () => {
  it("a batch of 1 000 is one buffer row, one log row, and one D1 row a sale, ≤ 3 a sale all in", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const stub = shardStub(env, shardOf(shop.id));
    await flush();
    await stub.rowCounts(true);
    const res = await postBatch(Array.from({ length: 1000 }, () => sale(product.id, shop.id)));
    expect(res.accepted).toBe(1000);
    const stored = await runInDurableObject(stub, (_o: SalesIngest, state) =>
      state.storage.sql
        .exec("SELECT count(*) AS n, group_concat(n) AS sizes FROM buffer_appends")
        .one(),
    );
    expect(stored).toEqual({ n: 1, sizes: "1000" });
    await flush();
    const { tables } = await stub.rowCounts(true);
    const written = (table: string) => tables[table]?.written ?? 0;
    // Buffered once, dropped once; the flushed ids logged once; no row of its own per sale.
    expect(written("shard.buffer_appends")).toBeLessThanOrEqual(3);
    expect(written("shard.seen_flushes")).toBe(1);
    // D1: the sale, whose key is the table (WITHOUT ROWID): no second entry for uniqueness,
    // none for the flush.
    expect(written("d1.sales")).toBe(1000);
    const total = Object.values(tables).reduce((sum, t) => sum + t.written, 0);
    expect(total / 1000).toBeLessThanOrEqual(3);
  });

  it("a new day of a shop and product is one row written in each rollup and the flush log", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const stub = shardStub(env, shardOf(shop.id));
    await flush();
    await stub.rowCounts(true);
    await postBatch([sale(product.id, shop.id, { sold_at: "2018-05-06T12:00:00Z" })]);
    await flush();
    const { tables } = await stub.rowCounts(true);
    const written = (table: string) => tables[table]?.written ?? 0;
    // Keyed WITHOUT ROWID: a new row is its key's entry only (a rowid table wrote two).
    for (const table of ["shop_day", "product_day", "shop_product_day", "sales_flush_log"]) {
      expect({ table, written: written(`d1.${table}`) }).toEqual({ table, written: 1 });
    }
  });

  it("the rankings store nothing per flush, and come back whole from D1 after an eviction", async () => {
    const [product, shop] = await Promise.all([createProduct(4), createShop()]);
    const month = "2019-03";
    await flush();
    const rankings = rankingsStub(env);
    await rankings.rowCounts(true);
    await postBatch(
      Array.from({ length: 50 }, () =>
        sale(product.id, shop.id, { sold_at: `${month}-10T12:00:00Z`, quantity: 2 }),
      ),
    );
    await flush();
    const { tables } = await rankings.rowCounts(true);
    expect(Object.values(tables).reduce((sum, t) => sum + t.written, 0)).toBe(0);
    const before = await rankings.topShops(month);
    expect(before).toEqual([{ shopId: shop.id, netMinor: 50 * 2 * 400 }]);
    await evictDurableObject(rankings);
    expect(await rankingsStub(env).topShops(month)).toEqual(before);
  });

  it("a batch's refunds are one buffer row too, and two D1 rows a refund", async () => {
    const [product, shop] = await Promise.all([createProduct(2), createShop()]);
    const sold = Array.from({ length: 100 }, () => sale(product.id, shop.id, { quantity: 2 }));
    await postBatch(sold);
    await flush();
    const refunds = sold.map((s) => ({
      type: "refund",
      id: `r-${s.id}`,
      shop_id: shop.id,
      sale_id: s.id,
      quantity: 1,
    }));
    expect((await postBatch(refunds)).accepted).toBe(100);
    const stub = shardStub(env, shardOf(shop.id));
    const stored = await runInDurableObject(stub, (_o: SalesIngest, state) =>
      state.storage.sql
        .exec("SELECT count(*) AS n, group_concat(n) AS sizes FROM buffer_appends")
        .one(),
    );
    expect(stored).toEqual({ n: 1, sizes: "100" });
    await stub.rowCounts(true);
    await flush();
    const { tables } = await stub.rowCounts(true);
    // Keyed WITHOUT ROWID by (shop_id, refund_id): the row and its by-sale index entry.
    expect(tables["d1.refunds"]?.written).toBe(2 * 100);
  });
});
