import { describe, expect, it } from "vitest";
import { admin } from "../../support/http";
import { createKey, createProduct, createShop, flush, sale } from "../../support/sales";

describe("deleting from the catalog", () => {
  it("keeps a product whose sale is still buffered in a shard, and after the flush", async () => {
    const [product, shop] = await Promise.all([createProduct(9), createShop()]);
    expect((await admin("/api/v1/sales", { body: sale(product.id, shop.id) })).status).toBe(202);
    const whileBuffered = await admin(`/api/v1/admin/products/${product.id}`, { method: "DELETE" });
    expect(whileBuffered.status).toBe(409);
    expect(whileBuffered.json.detail).toMatch(/still being written|has sales/);
    await flush();
    expect((await admin(`/api/v1/admin/products/${product.id}`, { method: "DELETE" })).status).toBe(
      409,
    );
    expect((await admin(`/api/v1/admin/products/${product.id}`)).status).toBe(200);
  });

  it("keeps a shop with buffered or flushed sales or live keys; deletes an unused one", async () => {
    const [product, busy, keyed, unused] = await Promise.all([
      createProduct(1),
      createShop(),
      createShop(),
      createShop(),
    ]);
    await admin("/api/v1/sales", { body: sale(product.id, busy.id) });
    expect((await admin(`/api/v1/admin/shops/${busy.id}`, { method: "DELETE" })).status).toBe(409);
    await flush();
    expect((await admin(`/api/v1/admin/shops/${busy.id}`, { method: "DELETE" })).status).toBe(409);
    await createKey({ scopes: ["sales:write"], shop_id: keyed.id });
    const withKey = await admin(`/api/v1/admin/shops/${keyed.id}`, { method: "DELETE" });
    expect(withKey.status).toBe(409);
    expect(withKey.json.detail).toMatch(/API key/);
    expect((await admin(`/api/v1/admin/shops/${unused.id}`, { method: "DELETE" })).status).toBe(
      204,
    );
    expect((await admin(`/api/v1/admin/shops/${unused.id}`)).status).toBe(404);
  });

  it("refuses a shop for a company that does not exist", async () => {
    const res = await admin("/api/v1/admin/shops", {
      body: { name: "x", address: "y", company_id: 987654321 },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: "company_id", message: expect.any(String) }]);
  });
});
