import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Line } from "../../../src/modules/sales/core/receipt";
import { shardOf, shardStub } from "../../../src/modules/sales/core/shards";
import { FLUSH_DELAY_MS } from "../../../src/modules/sales/shard/pipeline";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { admin, call, registerAndLogin } from "../../support/http";
import { createKey, createProduct, createShop, flush, postBatch, sale } from "../../support/sales";

async function salesRows(id: string) {
  const row = await env.DB.prepare("select count(*) as n from sales where sale_id = ?")
    .bind(id)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("POST /api/v1/sales", () => {
  it("accepts a sale with a shop-bound key, and a retry of the same id is a duplicate counted once", async () => {
    const [product, shop] = await Promise.all([createProduct(10), createShop()]);
    const key = await createKey({ scopes: ["sales:write"], shop_id: shop.id });
    const body = sale(product.id, shop.id, { quantity: 2 });
    const first = await call("/api/v1/sales", { token: key, body });
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ id: body.id, status: "accepted" });
    const again = await call("/api/v1/sales", { token: key, body });
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ id: body.id, status: "duplicate" });
    await flush();
    expect(await salesRows(body.id)).toBe(1);
  });

  it("counts the same id posted concurrently once", async () => {
    const [product, shop] = await Promise.all([createProduct(10), createShop()]);
    const body = sale(product.id, shop.id);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => admin("/api/v1/sales", { body })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.filter((a) => a.json.status === "accepted")).toHaveLength(1);
    await flush();
    expect(await salesRows(body.id)).toBe(1);
  });

  it("answers concurrent appends to one shard each with its own statuses", async () => {
    const [product, shop] = await Promise.all([createProduct(2), createShop()]);
    const stub = shardStub(env, shardOf(shop.id));
    const item = (saleId: string) => ({
      shopId: shop.id,
      saleId,
      lines: [[product.id, 1, 200, 0, 0, 0] as Line],
      discountMinor: 0,
      pricesSent: [false],
      soldAt: Date.now(),
      businessDay: "2026-01-01",
      refundOf: null,
      clientId: true,
      atSent: false,
      terminal: null,
    });
    const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    // Delivered together, these share one write: statuses must still go back per caller.
    const answers = await Promise.all([
      stub.append(shardOf(shop.id), [item(a), item(b)]),
      stub.append(shardOf(shop.id), [item(c)]),
      stub.append(shardOf(shop.id), [item(b), item(c)]),
      stub.append(shardOf(shop.id), [item(a), item(a)]),
    ]);
    expect(answers).toEqual([
      ["accepted", "accepted"],
      ["accepted"],
      ["duplicate", "duplicate"],
      ["duplicate", "duplicate"],
    ]);
    await flush();
    for (const id of [a, b, c]) expect(await salesRows(id)).toBe(1);
  });

  it("takes the id from an Idempotency-Key header", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const key = crypto.randomUUID();
    const body = { product_id: product.id, shop_id: shop.id };
    const first = await admin("/api/v1/sales", { body, headers: { "idempotency-key": key } });
    const second = await admin("/api/v1/sales", { body, headers: { "idempotency-key": key } });
    expect(first.json).toEqual({ id: key, status: "accepted" });
    expect(second.json).toEqual({ id: key, status: "duplicate" });
    const conflict = await admin("/api/v1/sales", {
      body: { ...body, id: crypto.randomUUID() },
      headers: { "idempotency-key": key },
    });
    expect(conflict.status).toBe(400);
  });

  it("is durable before the 202: the sale is in the shard's storage, not yet in D1", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const body = sale(product.id, shop.id);
    expect((await admin("/api/v1/sales", { body })).status).toBe(202);
    // No per-request D1 write: the sale reaches D1 only with the shard's flush (≥ 0.5 s later).
    expect(await salesRows(body.id)).toBe(0);
    const stored = await runInDurableObject(
      shardStub(env, shardOf(shop.id)),
      (_i: SalesIngest, state) =>
        state.storage.sql.exec("select count(*) as n from buffer where sale_id = ?", body.id).one(),
    );
    expect(stored.n).toBe(1);
  });

  it("schedules the flush within FLUSH_DELAY_MS and the alarm writes the buffer to D1", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const body = sale(product.id, shop.id);
    const before = Date.now();
    await admin("/api/v1/sales", { body });
    const stub = shardStub(env, shardOf(shop.id));
    const alarm = await runInDurableObject(stub, (_i: SalesIngest, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).not.toBeNull();
    // About FLUSH_DELAY_MS after the sale (slack for a slow machine), well inside the 2 s bound.
    expect((alarm ?? 0) - before).toBeLessThanOrEqual(FLUSH_DELAY_MS + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await salesRows(body.id)).toBe(1);
    expect(await stub.buffered()).toBe(0);
  });

  it("flushes on its own, without help, through the real alarm", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const body = sale(product.id, shop.id);
    await admin("/api/v1/sales", { body });
    const deadline = Date.now() + 5000;
    while ((await salesRows(body.id)) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await salesRows(body.id)).toBe(1);
  });

  it("answers unknown product or shop with 404 and another shop's key with 403, storing nothing", async () => {
    const [product, shop, other] = await Promise.all([
      createProduct(1),
      createShop(),
      createShop(),
    ]);
    const key = await createKey({ scopes: ["sales:write"], shop_id: shop.id });
    const unknownProduct = sale(999_999, shop.id);
    const r1 = await call("/api/v1/sales", { token: key, body: unknownProduct });
    expect(r1.status).toBe(404);
    expect(r1.json.errors[0].path).toBe("product_id");
    const unknownShop = sale(product.id, 999_999);
    expect((await admin("/api/v1/sales", { body: unknownShop })).status).toBe(404);
    const foreign = sale(product.id, other.id);
    const r3 = await call("/api/v1/sales", { token: key, body: foreign });
    expect(r3.status).toBe(403);
    await flush();
    for (const s of [unknownProduct, unknownShop, foreign]) expect(await salesRows(s.id)).toBe(0);
  });

  it("validates the body", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...sale(product.id, shop.id), quantity: 0 }, "quantity"],
      [{ ...sale(product.id, shop.id), quantity: 1001 }, "quantity"],
      [{ ...sale(product.id, shop.id), quantity: 1.5 }, "quantity"],
      [{ ...sale(product.id, shop.id), sold_at: future }, "sold_at"],
      [{ ...sale(product.id, shop.id), sold_at: "2026-01-01T10:00:00" }, "sold_at"],
      [{ ...sale(product.id, shop.id), id: "not a receipt" }, "id"],
      [{ ...sale(product.id, shop.id), id: "x".repeat(65) }, "id"],
      [{ shop_id: shop.id }, "lines"],
      [{ ...sale(product.id, shop.id), colour: "red" }, ""],
    ];
    for (const [body, path] of cases) {
      const res = await admin("/api/v1/sales", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (path) expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const old = await admin("/api/v1/sales", {
      body: { ...sale(product.id, shop.id), sold_at: "1999-12-31T23:59:00+03:00" },
    });
    expect(old.status).toBe(202);
  });

  it("needs sales:write: 401 without credentials, 403 for other scopes and for users", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const body = sale(product.id, shop.id);
    expect((await call("/api/v1/sales", { body })).status).toBe(401);
    const reports = await createKey({ scopes: ["reports:read"] });
    expect((await call("/api/v1/sales", { body, token: reports })).status).toBe(403);
    const { access } = await registerAndLogin();
    expect((await call("/api/v1/sales", { body, token: access })).status).toBe(403);
  });
});

describe("POST /api/v1/sales/batch", () => {
  it("keeps the valid items and reports the invalid ones by index", async () => {
    const [product, shop, other] = await Promise.all([
      createProduct(2),
      createShop(),
      createShop(),
    ]);
    const key = await createKey({ scopes: ["sales:write"], shop_id: shop.id });
    const good = [sale(product.id, shop.id), sale(product.id, shop.id, { quantity: 5 })];
    const result = await postBatch(
      [
        good[0] as Record<string, unknown>,
        { product_id: product.id, shop_id: shop.id, quantity: 0 },
        good[1] as Record<string, unknown>,
        sale(999_999, shop.id),
        sale(product.id, other.id),
        good[0] as Record<string, unknown>,
      ],
      key,
    );
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(1);
    expect(result.rejected).toEqual([
      { index: 1, errors: [{ path: "sales[1].quantity", message: expect.any(String) }] },
      { index: 3, errors: [{ path: "sales[3].product_id", message: expect.any(String) }] },
      { index: 4, errors: [{ path: "sales[4].shop_id", message: expect.any(String) }] },
    ]);
    await flush();
    for (const s of good) expect(await salesRows(s.id)).toBe(1);
  });

  it("refuses more than 1000 sales or an empty list with 400", async () => {
    const many = Array.from({ length: 1001 }, () => ({ product_id: 1, shop_id: 1 }));
    expect((await admin("/api/v1/sales/batch", { body: { sales: many } })).status).toBe(400);
    expect((await admin("/api/v1/sales/batch", { body: { sales: [] } })).status).toBe(400);
  });

  it("spreads a batch over the shards and stores every sale once", async () => {
    const product = await createProduct(1);
    const shops = await Promise.all(Array.from({ length: 10 }, () => createShop()));
    const items = shops.flatMap((s) => Array.from({ length: 20 }, () => sale(product.id, s.id)));
    expect((await postBatch(items)).accepted).toBe(200);
    await flush();
    const row = await env.DB.prepare(
      "select count(*) as n from sales s, json_each(s.lines) l where l.value ->> 0 = ?",
    )
      .bind(product.id)
      .first<{ n: number }>();
    expect(row?.n).toBe(200);
  });
});
