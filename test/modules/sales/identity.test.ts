import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf, shardStub } from "../../../src/modules/sales/core/shards";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { admin, call } from "../../support/http";
import { createKey, createProduct, createShop, flush, postBatch } from "../../support/sales";

async function stored(shopId: number, saleId: string) {
  const row = await env.DB.prepare(
    "select count(*) as n from sales where shop_id = ? and sale_id = ?",
  )
    .bind(shopId, saleId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Two shops on one shard and one on another (shards are shop id mod SHARD_COUNT). */
async function shopsByShard() {
  const shops = await Promise.all(Array.from({ length: 9 }, () => createShop()));
  const byShard = Map.groupBy(shops, (s) => shardOf(s.id));
  const pair = [...byShard.values()].find((group) => group.length >= 2);
  if (!pair?.[0] || !pair[1]) throw new Error("nine shops must share a shard");
  const other = shops.find((s) => shardOf(s.id) !== shardOf(pair[0]?.id ?? 0));
  if (!other) throw new Error("no shop on another shard");
  return { a: pair[0], b: pair[1], c: other };
}

describe("a sale is (shop_id, id)", () => {
  it("keeps the same Idempotency-Key from two shops of one shard as two sales", async () => {
    const product = await createProduct(4);
    const { a, b } = await shopsByShard();
    const receipt = `R-${crypto.randomUUID().slice(0, 8)}`;
    const keyA = await createKey({ scopes: ["sales:write"], shop_id: a.id });
    const keyB = await createKey({ scopes: ["sales:write"], shop_id: b.id });
    const post = (key: string, shopId: number) =>
      call("/api/v1/sales", {
        token: key,
        body: { product_id: product.id, shop_id: shopId },
        headers: { "idempotency-key": receipt },
      });
    expect((await post(keyA, a.id)).json).toEqual({ id: receipt, status: "accepted" });
    expect((await post(keyB, b.id)).json).toEqual({ id: receipt, status: "accepted" });
    // The same shop retrying is the duplicate, not the other shop.
    expect((await post(keyA, a.id)).json).toEqual({ id: receipt, status: "duplicate" });
    expect((await post(keyB, b.id)).json).toEqual({ id: receipt, status: "duplicate" });
    await flush();
    expect(await stored(a.id, receipt)).toBe(1);
    expect(await stored(b.id, receipt)).toBe(1);
  });

  it("stores the same client id from shops on different shards, each once", async () => {
    const product = await createProduct(4);
    const { a, c } = await shopsByShard();
    const id = crypto.randomUUID();
    for (const shop of [a, c, a, c]) {
      const res = await admin("/api/v1/sales", {
        body: { id, product_id: product.id, shop_id: shop.id },
      });
      expect(res.status).toBe(202);
    }
    await flush();
    expect(await stored(a.id, id)).toBe(1);
    expect(await stored(c.id, id)).toBe(1);
  });

  it("counts one id in two shops of one batch twice, and a repeat within a shop once", async () => {
    const product = await createProduct(2);
    const { a, b } = await shopsByShard();
    const id = crypto.randomUUID();
    const result = await postBatch([
      { id, product_id: product.id, shop_id: a.id },
      { id, product_id: product.id, shop_id: b.id },
      { id, product_id: product.id, shop_id: a.id },
    ]);
    expect(result).toMatchObject({ accepted: 2, duplicates: 1, rejected: [] });
    await flush();
    expect(await stored(a.id, id)).toBe(1);
    expect(await stored(b.id, id)).toBe(1);
  });
});

describe("retries after the flush", () => {
  it("answers duplicate from the window of flushed ids, across a restart of the shard", async () => {
    const [product, shop] = await Promise.all([createProduct(6), createShop()]);
    const body = { id: crypto.randomUUID(), product_id: product.id, shop_id: shop.id, quantity: 2 };
    expect((await admin("/api/v1/sales", { body })).json.status).toBe("accepted");
    await flush();
    expect((await admin("/api/v1/sales", { body })).json.status).toBe("duplicate");
    await evictDurableObject(shardStub(env, shardOf(shop.id)));
    expect((await admin("/api/v1/sales", { body })).json.status).toBe("duplicate");
    await flush();
    expect(await stored(shop.id, body.id)).toBe(1);
  });

  it("stores a retry from beyond the window once, though it can only answer accepted", async () => {
    const [product, shop] = await Promise.all([createProduct(6), createShop()]);
    const month = "1969-07";
    const body = {
      id: crypto.randomUUID(),
      product_id: product.id,
      shop_id: shop.id,
      sold_at: `${month}-20T20:17:00Z`,
    };
    expect((await admin("/api/v1/sales", { body })).json.status).toBe("accepted");
    await flush();
    // The window passes: the shard forgets the id (its log pruned, the object restarted).
    const stub = shardStub(env, shardOf(shop.id));
    await runInDurableObject(stub, (_o: SalesIngest, state) => {
      state.storage.sql.exec("DELETE FROM seen_flushes");
    });
    await evictDurableObject(stub);
    // The retry shares its flush with a new sale: D1 refuses the flush for the retry, and the
    // flush is written again with the new sale alone.
    const fresh = { ...body, id: crypto.randomUUID() };
    expect((await admin("/api/v1/sales", { body })).json.status).toBe("accepted");
    expect((await admin("/api/v1/sales", { body: fresh })).json.status).toBe("accepted");
    await flush();
    expect(await stored(shop.id, body.id)).toBe(1);
    expect(await stored(shop.id, fresh.id)).toBe(1);
    const report = await admin(`/api/v1/reports/top-shops?month=${month}`);
    expect(report.json.items).toEqual([
      {
        shop_id: shop.id,
        name: "Shop",
        address: expect.any(String),
        revenue: 12,
        currency: "RUB",
        net_native: 12,
      },
    ]);
    const day = await admin(
      `/api/v1/reports/sales?from=${month}-20&to=${month}-20&interval=day&shop_id=${shop.id}`,
    );
    expect(day.json.totals).toMatchObject({ gross: 12, sales: 2 });
  });

  it("counts ten concurrent retries of a flushed sale as one", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const body = { id: crypto.randomUUID(), product_id: product.id, shop_id: shop.id };
    await admin("/api/v1/sales", { body });
    await flush();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => admin("/api/v1/sales", { body })),
    );
    expect(answers.map((a) => a.json.status)).toEqual(Array(10).fill("duplicate"));
    await flush();
    expect(await stored(shop.id, body.id)).toBe(1);
  });

  it("needs no lookup for a sale without an id: a server id, new each time", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const body = { product_id: product.id, shop_id: shop.id };
    const [a, b] = [await admin("/api/v1/sales", { body }), await admin("/api/v1/sales", { body })];
    expect(a.json.status).toBe("accepted");
    expect(b.json.status).toBe("accepted");
    expect(a.json.id).not.toBe(b.json.id);
    // UUIDv7: time first, so server ids sort by when they were made.
    expect(a.json.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const time = (id: string) => id.replace("-", "").slice(0, 12);
    expect(time(a.json.id) <= time(b.json.id)).toBe(true);
  });
});
