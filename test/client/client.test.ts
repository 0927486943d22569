import { env, exports } from "cloudflare:workers";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, BASE, unique } from "../support/http";
import type { paths } from "./schema";

// A client generated from docs/openapi.json (openapi-typescript + openapi-fetch), used as a
// client developer would: if the code and the document drift apart, this stops type-checking
// or fails.
function client(token?: string) {
  return createClient<paths>({
    baseUrl: BASE,
    fetch: (request) => exports.default.fetch(request),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

describe("the generated client", () => {
  it("runs the main flows: a key, a sale, a batch, the reports, an order upload, a book", async () => {
    const operator = client(ADMIN_TOKEN);
    const { data: shop } = await operator.POST("/api/v1/admin/shops", {
      body: { name: "Typed shop", address: "1 Typed Street" },
    });
    const { data: product } = await operator.POST("/api/v1/admin/products", {
      body: { name: "Typed product", model: "T-1", price: 12.5, release_date: "2025-01-01" },
    });
    if (!shop || !product) throw new Error("catalog not created");
    const { data: key, response: keyResponse } = await operator.POST("/api/v1/admin/api-keys", {
      body: { name: "typed till", scopes: ["sales:write"], shop_id: shop.id },
    });
    expect(keyResponse.status).toBe(201);
    expect(keyResponse.headers.get("x-request-id")).toBeTruthy();
    const terminal = client(key?.key);

    const month = "1971-05";
    const single = await terminal.POST("/api/v1/sales", {
      body: {
        product_id: product.id,
        shop_id: shop.id,
        quantity: 2,
        sold_at: `${month}-01T10:00:00Z`,
        id: crypto.randomUUID(),
      },
    });
    expect(single.data?.status).toBe("accepted");
    const batch = await terminal.POST("/api/v1/sales/batch", {
      body: {
        sales: [
          { product_id: product.id, shop_id: shop.id, sold_at: `${month}-02T10:00:00Z` },
          {
            product_id: product.id,
            shop_id: shop.id,
            quantity: 3,
            sold_at: `${month}-03T10:00:00Z`,
          },
        ],
      },
    });
    expect(batch.data).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
    expect(batch.data?.results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    await operator.POST("/api/v1/admin/sales/flush");
    const shops = await operator.GET("/api/v1/reports/top-shops", { params: { query: { month } } });
    expect(shops.data?.items).toEqual([
      {
        shop_id: shop.id,
        name: "Typed shop",
        address: "1 Typed Street",
        revenue: 75,
        currency: "RUB",
        net_native: 75,
      },
    ]);
    const products = await operator.GET("/api/v1/reports/top-products", {
      params: { query: { month } },
    });
    const quantity: number | undefined = products.data?.items[0]?.quantity;
    expect(quantity).toBe(6);

    const seller = unique("typed_seller_");
    const orderNumber = unique("T-");
    const upload = await operator.POST("/api/orders/upload", {
      body: {
        user: seller,
        orders: [
          {
            order_number: orderNumber,
            created_at: "2026-11-20T10:00:00Z",
            total_amount: 21,
            status: "new",
            items: [{ sku: "SKU-1", name: "Thing", quantity: 3, price: 7 }],
          },
        ],
      },
    });
    expect(upload.data).toEqual({ user: seller, created: 1, updated: 0 });
    const order = await operator.GET("/api/v1/orders/{order_number}", {
      params: { path: { order_number: orderNumber } },
    });
    expect(order.data?.items).toEqual([{ sku: "SKU-1", name: "Thing", quantity: 3, price: 7 }]);

    const anyone = client();
    const username = unique("typed_");
    await anyone.POST("/api/v1/auth/register", {
      body: { username, email: `${username}@example.com`, password: "typed password" },
    });
    const tokens = await anyone.POST("/api/v1/auth/login", {
      body: { username, password: "typed password" },
    });
    const reader = client(tokens.data?.access);
    const book = await reader.POST("/api/v1/books", {
      body: { title: "Typed Tales", author: "A. Client", year: 2001, isbn: "978-0-306-40615-7" },
    });
    expect(book.response.status).toBe(201);
    const read = await anyone.GET("/api/v1/books/{id}", {
      params: { path: { id: String(book.data?.id) } },
    });
    expect(read.data).toMatchObject({ title: "Typed Tales", isbn: "9780306406157" });
  });

  it("gets problem+json errors typed as the document says", async () => {
    const { error, response } = await client(ADMIN_TOKEN).GET("/api/v1/admin/products/{id}", {
      params: { path: { id: "0x10" } },
    });
    expect(response.status).toBe(400);
    expect(error?.errors[0]?.path).toBe("id");
  });
});

describe("docs/openapi.json", () => {
  it("is the document the Worker serves (npm run client:generate after changing a route)", async () => {
    const served = await (await exports.default.fetch(`${BASE}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(env.TEST_OPENAPI));
  });
});
