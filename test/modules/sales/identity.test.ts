import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../../src/modules/sales/shards";
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
    expect(result).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    await flush();
    expect(await stored(a.id, id)).toBe(1);
    expect(await stored(b.id, id)).toBe(1);
  });
});
