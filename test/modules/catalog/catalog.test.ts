import { describe, expect, it } from "vitest";
import { admin, call, registerAndLogin } from "../../support/http";
import { createKey, createProduct, createShop } from "../../support/sales";

describe("catalog", () => {
  it("creates, lists and updates products with money as 2-decimal numbers", async () => {
    const created = await admin("/api/v1/admin/products", {
      body: { name: "Phone X", model: "PX-1", price: 2500.5, release_date: "2025-09-01" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      name: "Phone X",
      model: "PX-1",
      price: 2500.5,
      prices: {},
      release_date: "2025-09-01",
    });
    const patched = await admin(`/api/v1/admin/products/${created.json.id}`, {
      method: "PATCH",
      body: { price: 19.99 },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: "Phone X", price: 19.99 });

    const list = await call("/api/v1/products?limit=1000");
    expect(list.status).toBe(200);
    expect(list.json.items).toContainEqual(patched.json);
  });

  it("validates products: every failing field listed", async () => {
    const res = await admin("/api/v1/admin/products", {
      body: {
        name: "",
        model: "x".repeat(101),
        price: 1.234,
        release_date: "2999-01-01",
        extra: 1,
      },
    });
    expect(res.status).toBe(400);
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(["model", "name", "price", "release_date"]));
    const negative = await admin("/api/v1/admin/products", {
      body: { name: "a", model: "b", price: -1, release_date: "2020-01-01" },
    });
    expect(negative.status).toBe(400);
  });

  it("creates, lists and updates shops; 404 for an unknown one", async () => {
    const shop = await createShop("1 Nevsky Prospekt");
    const patched = await admin(`/api/v1/admin/shops/${shop.id}`, {
      method: "PATCH",
      body: { name: "Flagship" },
    });
    expect(patched.json).toMatchObject({
      id: shop.id,
      name: "Flagship",
      address: "1 Nevsky Prospekt",
      company_id: null,
    });
    const list = await call("/api/v1/shops?limit=1000");
    expect(list.json.items).toContainEqual(patched.json);
    expect(
      (await admin("/api/v1/admin/shops/999999", { method: "PATCH", body: { name: "x" } })).status,
    ).toBe(404);
    expect(
      (await admin("/api/v1/admin/products/999999", { method: "PATCH", body: { name: "x" } }))
        .status,
    ).toBe(404);
  });

  it("pages through products exactly once", async () => {
    for (let i = 0; i < 5; i++) await createProduct(1);
    const all = (await call("/api/v1/products?limit=1000")).json.items.map(
      (p: { id: number }) => p.id,
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(
        `/api/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.json.items.map((p: { id: number }) => p.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it("deletes only a product never sold and carried by no company", async () => {
    const unused = await createProduct(1);
    expect((await admin(`/api/v1/admin/products/${unused.id}`)).json.id).toBe(unused.id);
    expect((await admin(`/api/v1/admin/products/${unused.id}`, { method: "DELETE" })).status).toBe(
      204,
    );
    expect((await admin(`/api/v1/admin/products/${unused.id}`)).status).toBe(404);

    const sold = await createProduct(2);
    const shop = await createShop();
    await admin("/api/v1/sales", { body: { product_id: sold.id, shop_id: shop.id } });
    await admin("/api/v1/admin/sales/flush", { method: "POST" });
    expect((await admin(`/api/v1/admin/products/${sold.id}`, { method: "DELETE" })).status).toBe(
      409,
    );

    const carried = await createProduct(3);
    await admin("/api/v1/admin/companies", {
      body: {
        name: "Carrier",
        email: "c@example.com",
        country: "X",
        city: "Y",
        street: "Z",
        house_number: "1",
        product_ids: [carried.id],
      },
    });
    expect((await admin(`/api/v1/admin/products/${carried.id}`, { method: "DELETE" })).status).toBe(
      409,
    );
    expect((await admin("/api/v1/admin/products/999999", { method: "DELETE" })).status).toBe(404);
  });

  it("keeps catalog writes for the operator", async () => {
    const body = { name: "a", model: "b", price: 1, release_date: "2020-01-01" };
    expect((await call("/api/v1/admin/products", { body })).status).toBe(401);
    const { access } = await registerAndLogin();
    expect((await call("/api/v1/admin/products", { body, token: access })).status).toBe(403);
    const key = await createKey({ scopes: ["reports:read"] });
    expect(
      (await call("/api/v1/admin/shops", { body: { name: "a", address: "b" }, token: key })).status,
    ).toBe(403);
  });
});
