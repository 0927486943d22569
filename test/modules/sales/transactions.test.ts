import { describe, expect, it } from "vitest";
import { admin, call } from "../../support/http";
import { createKey, createProduct, createShop, flush } from "../../support/sales";

describe("an id sent again with another body", () => {
  it("is a 409 idempotency_key_reused carrying the stored sale, buffered or flushed, never a duplicate", async () => {
    const [product, shop] = await Promise.all([createProduct(4), createShop()]);
    const body = { product_id: product.id, shop_id: shop.id, id: "R-000124", quantity: 1 };
    expect((await admin("/api/v1/sales", { body })).json.status).toBe("accepted");
    for (const phase of ["buffered", "flushed"]) {
      // The same body again (the time left to the server) is a duplicate.
      expect((await admin("/api/v1/sales", { body })).json.status, phase).toBe("duplicate");
      const reused = await admin("/api/v1/sales", { body: { ...body, quantity: 50 } });
      expect(reused.status, phase).toBe(409);
      expect(reused.headers.get("content-type")).toContain("application/problem+json");
      expect(reused.json.type).toBe("urn:retail-edge:problem:idempotency_key_reused");
      expect(reused.json.stored).toMatchObject({
        type: "sale",
        id: "R-000124",
        shop_id: shop.id,
        product_id: product.id,
        quantity: 1,
        unit_price: 4,
      });
      // As Idempotency-Key, too.
      const byHeader = await admin("/api/v1/sales", {
        headers: { "idempotency-key": "R-000124" },
        body: { product_id: product.id, shop_id: shop.id, quantity: 2 },
      });
      expect(byHeader.status, phase).toBe(409);
      await flush();
    }
    const back = await admin(`/api/v1/shops/${shop.id}/sales/R-000124`);
    expect(back.json.quantity).toBe(1);
  });

  it("answers per item in a batch, also for a repeat inside the same batch", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const at = "2026-11-20T10:00:00Z";
    const res = await admin("/api/v1/sales/batch", {
      body: {
        sales: [
          { product_id: product.id, shop_id: shop.id, id: "B-1", sold_at: at },
          { product_id: product.id, shop_id: shop.id, id: "B-1", sold_at: at },
          { product_id: product.id, shop_id: shop.id, id: "B-1", sold_at: "2026-11-20T11:00:00Z" },
          {
            type: "refund",
            id: "B-2",
            shop_id: shop.id,
            sale_id: "B-1",
            quantity: 1,
            refunded_at: at,
          },
          {
            type: "refund",
            id: "B-2",
            shop_id: shop.id,
            sale_id: "B-1",
            quantity: 1,
            refunded_at: at,
          },
          { product_id: product.id, shop_id: shop.id, id: "B-2" },
        ],
      },
    });
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual([
      "accepted",
      "duplicate",
      "rejected",
      "accepted",
      "duplicate",
      "rejected",
    ]);
    expect(res.json.results[2]).toMatchObject({
      errors: [{ path: "sales[2].id" }],
      stored: { type: "sale", id: "B-1", sold_at: "2026-11-20T10:00:00.000Z" },
    });
    // A sale's id that a refund holds names the refund.
    expect(res.json.results[5].stored).toMatchObject({ type: "refund", id: "B-2", sale_id: "B-1" });
  });
});

describe("GET /api/v1/shops/{shop_id}/sales/{id}", () => {
  it("reads a sale back with its refunds, buffered and flushed, and a refund on its own", async () => {
    const [product, shop] = await Promise.all([createProduct(2.5), createShop()]);
    await admin("/api/v1/sales", {
      body: {
        product_id: product.id,
        shop_id: shop.id,
        id: "S-9",
        quantity: 4,
        sold_at: "2026-11-20T10:00:00Z",
      },
    });
    await admin("/api/v1/refunds", {
      body: {
        id: "S-9-r1",
        shop_id: shop.id,
        sale_id: "S-9",
        quantity: 1,
        refunded_at: "2026-11-21T10:00:00Z",
      },
    });
    const buffered = await admin(`/api/v1/shops/${shop.id}/sales/S-9`);
    expect(buffered.status).toBe(200);
    expect(buffered.json).toMatchObject({
      type: "sale",
      id: "S-9",
      quantity: 4,
      amount: 10,
      sold_at: "2026-11-20T10:00:00.000Z",
      business_day: "2026-11-20",
      left_to_refund: 3,
    });
    expect(buffered.json.refunds).toHaveLength(1);
    await flush();
    await admin("/api/v1/refunds", {
      body: {
        id: "S-9-r2",
        shop_id: shop.id,
        sale_id: "S-9",
        quantity: 2,
        refunded_at: "2026-11-22T10:00:00Z",
      },
    });
    const mixed = await admin(`/api/v1/shops/${shop.id}/sales/S-9`);
    expect(mixed.json.refunds.map((r: { id: string }) => r.id)).toEqual(["S-9-r1", "S-9-r2"]);
    expect(mixed.json.left_to_refund).toBe(1);
    const refund = await admin(`/api/v1/shops/${shop.id}/sales/S-9-r2`);
    expect(refund.json).toMatchObject({ type: "refund", sale_id: "S-9", quantity: 2, amount: 5 });
    expect((await admin(`/api/v1/shops/${shop.id}/sales/nope`)).status).toBe(404);
    expect((await admin(`/api/v1/shops/${shop.id}/sales/bad%20id`)).status).toBe(400);
  });

  it("is the shop's: another shop's key gets a 404, no key a 401", async () => {
    const [product, shop, other] = await Promise.all([
      createProduct(1),
      createShop(),
      createShop(),
    ]);
    await admin("/api/v1/sales", { body: { product_id: product.id, shop_id: shop.id, id: "T-1" } });
    const own = await createKey({ scopes: ["sales:write"], shop_id: shop.id });
    const foreign = await createKey({ scopes: ["sales:write"], shop_id: other.id });
    expect((await call(`/api/v1/shops/${shop.id}/sales/T-1`, { token: own })).status).toBe(200);
    expect((await call(`/api/v1/shops/${shop.id}/sales/T-1`, { token: foreign })).status).toBe(404);
    expect((await call(`/api/v1/shops/${shop.id}/sales/T-1`)).status).toBe(401);
  });
});
