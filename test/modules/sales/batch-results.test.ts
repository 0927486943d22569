import { describe, expect, it } from "vitest";
import { admin } from "../../support/http";
import { createProduct, createShop, flush } from "../../support/sales";

describe("the batch answer", () => {
  it("answers every item in order, with the server's id for a sale sent without one", async () => {
    const [product, shop] = await Promise.all([createProduct(2), createShop()]);
    const item = (extra: Record<string, unknown>) => ({
      product_id: product.id,
      shop_id: shop.id,
      ...extra,
    });
    await admin("/api/v1/sales", { body: item({ id: "R-000100" }) });
    const res = await admin("/api/v1/sales/batch", {
      body: {
        sales: [
          item({ id: "R-000101" }),
          item({}),
          item({ id: "R-000100" }),
          item({ id: "R-000102", quantity: 0 }),
          { type: "refund", id: "R-000103", shop_id: shop.id, sale_id: "R-000101" },
          { type: "refund", id: "R-000104", shop_id: shop.id, sale_id: "R-000101" },
        ],
      },
    });
    expect(res.status).toBe(202);
    const { results } = res.json;
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      "accepted",
      "accepted",
      "duplicate",
      "rejected",
      "accepted",
      "rejected",
    ]);
    expect(results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results[0].id).toBe("R-000101");
    expect(results[1].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(results[3]).toMatchObject({ id: "R-000102", errors: [{ path: "sales[3].quantity" }] });
    expect(results[5].errors[0].path).toBe("sales[5].quantity");
    expect(res.json).toMatchObject({ accepted: 3, duplicates: 1 });
    expect(res.json.rejected.map((r: { index: number }) => r.index)).toEqual([3, 5]);
    // The server's id is the sale's: sending it again is a duplicate.
    const again = await admin("/api/v1/sales/batch", {
      body: { sales: [item({ id: results[1].id })] },
    });
    expect(again.json.results[0].status).toBe("duplicate");
  });

  it("refuses an Idempotency-Key on a batch and stores nothing", async () => {
    const [product, shop] = await Promise.all([createProduct(2), createShop()]);
    const res = await admin("/api/v1/sales/batch", {
      headers: { "idempotency-key": "batch-1" },
      body: { sales: [{ product_id: product.id, shop_id: shop.id, id: "never" }] },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].path).toBe("Idempotency-Key");
    await flush();
    const stored = await admin("/api/v1/sales", {
      body: { product_id: product.id, shop_id: shop.id, id: "never" },
    });
    expect(stored.json.status).toBe("accepted");
  });
});
