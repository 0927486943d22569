import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_PRICE_MINOR } from "../../../src/modules/catalog/dto";
import { shardOf } from "../../../src/modules/sales/core/shards";
import { admin } from "../../support/http";
import { createProduct, createShop, flush, postBatch, sale, topShops } from "../../support/sales";

async function d1Count(shopId: number) {
  const row = await env.DB.prepare("select count(*) as n from sales where shop_id = ?")
    .bind(shopId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("bounds and poisoned sales", () => {
  it("refuses a price above 1 000 000.00 and a quantity above 1000", async () => {
    const res = await admin("/api/v1/admin/products", {
      body: { name: "Gold", model: "G", price: 90_000_000_000_000, release_date: "2024-01-01" },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual(["price"]);
    const shop = await createShop();
    const product = await createProduct(1);
    const big = await admin("/api/v1/sales", {
      body: sale(product.id, shop.id, { quantity: 1001 }),
    });
    expect(big.status).toBe(400);
  });

  it("sets aside the one sale that would overflow a monthly sum; its shard keeps flushing", async () => {
    const top = await createProduct(MAX_PRICE_MINOR / 100);
    const cheap = await createProduct(1.5);
    const shops = await Promise.all(Array.from({ length: 9 }, () => createShop()));
    const byShard = Map.groupBy(shops, (s) => shardOf(s.id));
    const [rich, neighbour] = [...byShard.values()].find((g) => g.length >= 2) ?? [];
    if (!rich || !neighbour) throw new Error("no two shops on one shard");
    // 10 000 sales of 1 000 × 1 000 000.00 = 10^15 in minor units: one past the bound.
    const at = "1987-03-10T12:00:00Z";
    for (let i = 0; i < 10; i++) {
      const items = Array.from({ length: 1000 }, () =>
        sale(top.id, rich.id, { quantity: 1000, sold_at: at }),
      );
      expect((await postBatch(items)).accepted).toBe(1000);
    }
    const neighbours = Array.from({ length: 20 }, () =>
      sale(cheap.id, neighbour.id, { sold_at: "1987-03-11T12:00:00Z" }),
    );
    expect((await postBatch(neighbours)).accepted).toBe(20);

    const flushed = await admin("/api/v1/admin/sales/flush", { method: "POST" });
    expect(flushed.status).toBe(200);
    expect(await d1Count(rich.id)).toBe(9_999);
    expect(await d1Count(neighbour.id)).toBe(20);

    const status = await admin("/api/v1/admin/sales/status");
    expect(status.json.buffered).toBe(0);
    expect(status.json.dead_letters).toBeGreaterThanOrEqual(1);
    const letters = await admin("/api/v1/admin/sales/dead-letters?limit=1000");
    const mine = letters.json.items.filter(
      (d: { transaction: { shop_id: number } }) => d.transaction.shop_id === rich.id,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0].transaction).toMatchObject({
      quantity: 1000,
      unit_price: 1_000_000,
      product_id: top.id,
    });
    expect(mine[0].error).toMatch(/CHECK constraint failed/);

    // The reports hold exactly what D1 holds, the bound itself included.
    const report = await topShops("1987-03");
    const richRow = report.json.items.find((i: { shop_id: number }) => i.shop_id === rich.id);
    expect(richRow.revenue).toBe(9_999 * 1000 * 1_000_000);
    expect(Number.isSafeInteger(richRow.revenue * 100)).toBe(true);
    // Later sales of the neighbour still flow.
    await postBatch([sale(cheap.id, neighbour.id, { sold_at: "1987-03-12T12:00:00Z" })]);
    await flush();
    expect(await d1Count(neighbour.id)).toBe(21);
  });
});
