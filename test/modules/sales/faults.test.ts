import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { rankingsStub, shardOf, shardStub } from "../../../src/modules/sales/core/shards";
import { writeFlush } from "../../../src/modules/sales/flush/flush";
import type { ShardBuffer } from "../../../src/modules/sales/shard/buffer";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { admin } from "../../support/http";
import {
  createProduct,
  createShop,
  flush,
  postBatch,
  REFUND_ITEMS,
  SALE_ITEMS,
  sale,
} from "../../support/sales";

let year = 1970;
const freshMonth = () => `${year++}-04`;

async function d1Sales(shopId: number) {
  return env.DB.prepare(
    `select count(*) as n, sum(${SALE_ITEMS}) as q from sales where shop_id = ?`,
  )
    .bind(shopId)
    .first<{ n: number; q: number | null }>();
}

async function bufferRows(shopId: number) {
  return runInDurableObject(shardStub(env, shardOf(shopId)), (_o: SalesIngest, state) =>
    state.storage.sql
      .exec<Record<string, SqlStorageValue>>(
        "select * from buffer where shop_id = ? order by seq",
        shopId,
      )
      .toArray(),
  );
}

describe("faults on the way to D1", () => {
  it("keeps the buffer while D1 fails and writes it once when D1 is back", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const month = freshMonth();
    await postBatch(
      Array.from({ length: 25 }, () =>
        sale(product.id, shop.id, { quantity: 2, sold_at: `${month}-02T00:00:00Z` }),
      ),
    );
    const stub = shardStub(env, shardOf(shop.id));
    // D1 fails every flush: its flush log is gone for a while.
    await env.DB.exec("ALTER TABLE sales_flush_log RENAME TO sales_flush_log_away");
    try {
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect((await bufferRows(shop.id)).length).toBe(25);
      expect((await d1Sales(shop.id))?.n).toBe(0);
      // The failed flush re-armed the alarm: the shard retries on its own.
      const alarm = await runInDurableObject(stub, (_o: SalesIngest, state) =>
        state.storage.getAlarm(),
      );
      expect(alarm).not.toBeNull();
    } finally {
      await env.DB.exec("ALTER TABLE sales_flush_log_away RENAME TO sales_flush_log");
    }
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await d1Sales(shop.id)).toEqual({ n: 25, q: 50 });
    expect(await rankingsStub(env).topShops(month)).toEqual([
      { shopId: shop.id, netMinor: 25 * 2 * 300 },
    ]);
  });

  it("counts once when the shard restarts between D1's commit and its buffer delete", async () => {
    const [product, shop] = await Promise.all([createProduct(5), createShop()]);
    const month = freshMonth();
    await postBatch(
      Array.from({ length: 12 }, () =>
        sale(product.id, shop.id, { sold_at: `${month}-03T00:00:00Z` }),
      ),
    );
    const stub = shardStub(env, shardOf(shop.id));
    // The shard's stored rows, as they were before the flush.
    const rows = await runInDurableObject(stub, (_o: SalesIngest, state) =>
      state.storage.sql
        .exec<Record<string, SqlStorageValue>>("select * from buffer_appends order by first_seq")
        .toArray(),
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await d1Sales(shop.id))?.n).toBe(12);
    // The restart: the delete never happened, and the object is thrown away and built again.
    await runInDurableObject(stub, (_o: SalesIngest, state) => {
      for (const r of rows) {
        const columns = Object.keys(r);
        state.storage.sql.exec(
          `insert into buffer_appends (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`,
          ...Object.values(r),
        );
      }
      void state.storage.deleteAlarm();
    });
    await evictDurableObject(stub);
    // The new instance finds the buffer and flushes it by itself: a replay that changes nothing.
    expect(await stub.buffered()).toBe(12);
    await flush();
    expect(await stub.buffered()).toBe(0);
    expect(await d1Sales(shop.id)).toEqual({ n: 12, q: 12 });
    expect(await rankingsStub(env).topShops(month)).toEqual([
      { shopId: shop.id, netMinor: 12 * 500 },
    ]);
  });
  it("sums a replayed flush from the rows it stored, not from a chunk that grew since", async () => {
    const [product, shop] = await Promise.all([createProduct(5), createShop()]);
    const month = freshMonth();
    const sold = Array.from({ length: 4 }, () =>
      sale(product.id, shop.id, { sold_at: `${month}-03T00:00:00Z`, quantity: 2 }),
    );
    await postBatch(sold);
    await flush();
    const refund = (s: (typeof sold)[number]) => ({
      type: "refund",
      id: `r-${s.id}`,
      shop_id: shop.id,
      sale_id: s.id,
      quantity: 1,
      refunded_at: `${month}-04T00:00:00Z`,
    });
    await postBatch(sold.slice(0, 2).map(refund));
    // Rankings is awake; D1 commits the two refunds' flush, and the shard stops before Rankings
    // hears of it and before its buffer delete.
    expect(await rankingsStub(env).topShops(month)).toEqual([{ shopId: shop.id, netMinor: 4000 }]);
    const stub = shardStub(env, shardOf(shop.id));
    await runInDurableObject(stub, async (o: SalesIngest) => {
      // The chunk the shard's own alarm would flush, from its (private) buffer.
      const { buffer } = o as unknown as { buffer: ShardBuffer };
      const chunk = buffer.readChunk(5000);
      if (!chunk) throw new Error("the refunds are buffered");
      await writeFlush(createDb(env.DB), shardOf(shop.id), chunk, new Date());
    });
    await evictDurableObject(stub);
    // A third refund joins the buffer: the replayed flush's chunk now holds it too.
    await postBatch([refund(sold[2] as (typeof sold)[number])]);
    await flush();
    expect(await stub.buffered()).toBe(0);
    const refunded = await env.DB.prepare(
      `select count(*) as n, sum(${REFUND_ITEMS}) as q from refunds where shop_id = ?`,
    )
      .bind(shop.id)
      .first();
    expect(refunded).toEqual({ n: 3, q: 3 });
    // 4 × 2 sold at 5.00 and 3 refunded: each refund counted once, in Rankings and the rollup.
    expect(await rankingsStub(env).topShops(month)).toEqual([
      { shopId: shop.id, netMinor: 8 * 500 - 3 * 500 },
    ]);
    const day = await admin(
      `/api/v1/reports/sales?from=${month}-04&to=${month}-04&interval=day&shop_id=${shop.id}`,
    );
    expect(day.json.totals).toMatchObject({ refunds: 15, items_refunded: 3 });
  });

  it("flushes at most FLUSH_BYTES of receipts at once and the rest in the next flush", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const month = freshMonth();
    const receipt = () =>
      sale(product.id, shop.id, {
        product_id: undefined,
        lines: Array.from({ length: 100 }, (_, i) => ({
          product_id: product.id,
          quantity: 1 + (i % 9),
          unit_price: 100 + i,
          tax: i,
        })),
        sold_at: `${month}-02T00:00:00Z`,
      });
    // 5 × 100 receipts of 100 lines: ~1.3 MB as stored, past one flush's bound.
    for (let i = 0; i < 5; i++) await postBatch(Array.from({ length: 100 }, receipt));
    const stub = shardStub(env, shardOf(shop.id));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const first = (await d1Sales(shop.id))?.n ?? 0;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(500);
    await flush();
    expect((await d1Sales(shop.id))?.n).toBe(500);
    expect(await stub.buffered()).toBe(0);
  });
});
