import { admin, call } from "./http";

// A stored receipt's lines are JSON ([product, quantity, unit price, discount, spread, tax]); a
// refund's [line, product, quantity, net, tax] (docs/API.md#receipts). SQL over them, for tests
// that check D1 itself.
export const SALE_ITEMS = "(SELECT sum(l.value ->> 1) FROM json_each(lines) l)";
export const REFUND_ITEMS = "(SELECT sum(l.value ->> 2) FROM json_each(lines) l)";

export async function createProduct(
  price: number,
  name = `Product ${crypto.randomUUID().slice(0, 8)}`,
) {
  const res = await admin("/api/v1/admin/products", {
    body: { name, model: "M-1", price, release_date: "2024-01-15" },
  });
  if (res.status !== 201) throw new Error(`product: ${res.text}`);
  return res.json as { id: number; name: string; price: number };
}

export async function createShop(address = `${crypto.randomUUID().slice(0, 8)} Main St`) {
  const res = await admin("/api/v1/admin/shops", { body: { name: "Shop", address } });
  if (res.status !== 201) throw new Error(`shop: ${res.text}`);
  return res.json as { id: number; address: string };
}

export async function createKey(body: Record<string, unknown>) {
  const res = await admin("/api/v1/admin/api-keys", { body: { name: "test key", ...body } });
  if (res.status !== 201) throw new Error(`key: ${res.text}`);
  return res.json.key as string;
}

export async function flush(): Promise<number> {
  const res = await admin("/api/v1/admin/sales/flush", { method: "POST" });
  if (res.status !== 200) throw new Error(`flush: ${res.text}`);
  return res.json.flushed;
}

export function sale(productId: number, shopId: number, extra: Record<string, unknown> = {}) {
  return { product_id: productId, shop_id: shopId, id: crypto.randomUUID(), ...extra };
}

export async function postBatch(sales: Record<string, unknown>[], token?: string) {
  const res = token
    ? await call("/api/v1/sales/batch", { token, body: { sales } })
    : await admin("/api/v1/sales/batch", { body: { sales } });
  if (res.status !== 202) throw new Error(`batch: ${res.text}`);
  return res.json as { accepted: number; duplicates: number; rejected: unknown[] };
}

export async function topShops(month: string, token?: string) {
  return token
    ? call(`/api/v1/reports/top-shops?month=${month}`, { token })
    : admin(`/api/v1/reports/top-shops?month=${month}`);
}

export async function topProducts(month?: string) {
  return admin(`/api/v1/reports/top-products${month ? `?month=${month}` : ""}`);
}
