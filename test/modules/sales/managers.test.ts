import { beforeAll, describe, expect, it } from "vitest";
import { modules } from "../../../src/modules";
import { admin, BASE, call, registerAndLogin, unique } from "../../support/http";
import { signedInCookie } from "../../support/pages";
import { createKey, flush, postBatch } from "../../support/sales";

// A manager bound to the Serbian shops, and a reports key bound the same way, against the
// owner who sees the chain (docs/API.md#managers): every report route, page and export shows
// them their shops only, and another shop is a 404 exactly like a shop that does not exist.

type Shop = { id: number; name: string; address: string };
const FROM = "2014-06-01";
const TO = "2014-06-30";
let belgrade: Shop;
let noviSad: Shop;
let moscow: Shop;
let onlyInMoscow: number;
let sold: number;
let manager: string;
let boundKey: string;
let owner: string;
let managerCookie: string;

async function shop(name: string, currency: string): Promise<Shop> {
  const res = await admin("/api/v1/admin/shops", {
    body: { name, address: `${name} street 1`, currency },
  });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

async function product(prices: Record<string, number>) {
  const res = await admin("/api/v1/admin/products", {
    body: { name: unique("Mgr "), model: "M", price: 100, prices, release_date: "2014-01-01" },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.id as number;
}

beforeAll(async () => {
  [belgrade, noviSad, moscow] = await Promise.all([
    shop(unique("Beograd-"), "RSD"),
    shop(unique("NoviSad-"), "RSD"),
    shop(unique("HiddenMoscow-"), "RUB"),
  ]);
  [sold, onlyInMoscow] = await Promise.all([product({ RSD: 120 }), product({})]);
  await admin("/api/v1/admin/fx-rates/2014-06-01", {
    method: "PUT",
    body: { base: "EUR", rates: { RUB: 100, RSD: 117 } },
  });
  const at = "2014-06-02T10:00:00Z";
  const stored = await postBatch([
    { id: "B-1", shop_id: belgrade.id, product_id: sold, sold_at: at },
    { id: "N-1", shop_id: noviSad.id, product_id: sold, quantity: 2, sold_at: at },
    { id: "M-1", shop_id: moscow.id, product_id: onlyInMoscow, quantity: 5, sold_at: at },
  ]);
  expect(stored.rejected).toEqual([]);
  await flush();
  const serbian = [belgrade.id, noviSad.id];
  const login = await registerAndLogin();
  const granted = await admin(`/api/v1/admin/users/${login.user.id}/role`, {
    method: "PUT",
    body: { role: "manager", shop_ids: serbian },
  });
  expect(granted.json).toMatchObject({ role: "manager", shop_ids: serbian });
  manager = login.access;
  boundKey = await createKey({ scopes: ["reports:read"], shop_ids: serbian });
  const ownerLogin = await registerAndLogin();
  await admin(`/api/v1/admin/users/${ownerLogin.user.id}/role`, {
    method: "PUT",
    body: { role: "owner" },
  });
  owner = ownerLogin.access;
  managerCookie = await signedInCookie("manager", serbian);
});

const bound = () => [
  { name: "manager", token: manager },
  { name: "bound key", token: boundKey },
];

describe("a manager and a bound reports key", () => {
  it("read the chain's figures as their shops' figures", async () => {
    const url = `/api/v1/reports/sales?from=${FROM}&to=${TO}`;
    const chain = (await call(url, { token: owner })).json;
    expect(chain.totals).toMatchObject({ sales: 3, items_sold: 8 });
    for (const { name, token } of bound()) {
      const mine = (await call(url, { token })).json;
      expect(mine.totals, name).toMatchObject({ sales: 2, items_sold: 3 });
      // 3 × 120 RSD at 100/117 RUB a dinar: 307.69 RUB.
      expect(mine.totals.gross, name).toBe(307.69);
      // The rates named are those of their shops' currencies only.
      const inEuros = (await call(`${url}&currency=EUR`, { token })).json;
      expect(Object.keys(inEuros.fx), name).toEqual(["RSD"]);
    }
    expect(
      Object.keys((await call(`${url}&currency=EUR`, { token: owner })).json.fx).sort(),
    ).toEqual(["RSD", "RUB"]);
  });

  it("rank only their shops and the products sold there", async () => {
    for (const path of [
      `/api/v1/reports/top-shops?from=${FROM}&to=${TO}`,
      "/api/v1/reports/top-shops?month=2014-06",
    ]) {
      expect((await call(path, { token: owner })).json.items.map((i: Shop) => i.name)).toContain(
        moscow.name,
      );
      for (const { name, token } of bound()) {
        const items = (await call(path, { token })).json.items as { shop_id: number }[];
        expect(items.map((i) => i.shop_id).sort(), `${name} ${path}`).toEqual(
          [belgrade.id, noviSad.id].sort(),
        );
      }
    }
    for (const path of [
      `/api/v1/reports/top-products?from=${FROM}&to=${TO}`,
      "/api/v1/reports/top-products?month=2014-06",
    ]) {
      const all = (await call(path, { token: owner })).json.items as { product_id: number }[];
      expect(all.map((i) => i.product_id)).toContain(onlyInMoscow);
      for (const { name, token } of bound()) {
        const items = (await call(path, { token })).json.items as {
          product_id: number;
          quantity: number;
        }[];
        expect(items, `${name} ${path}`).toEqual([
          expect.objectContaining({ product_id: sold, quantity: 3 }),
        ]);
      }
    }
  });

  it("get a 404 for another shop, word for word the one for a shop that does not exist", async () => {
    const paths = (shopId: number) => [
      `/api/v1/reports/sales?from=${FROM}&to=${TO}&shop_id=${shopId}`,
      `/api/v1/shops/${shopId}/receipts?day=2014-06-02`,
      `/api/v1/shops/${shopId}/sales/M-1`,
    ];
    const unknown = 987_654_321;
    for (const { name, token } of bound()) {
      for (const [i, path] of paths(moscow.id).entries()) {
        const res = await call(path, { token });
        expect(res.status, `${name} ${path}`).toBe(404);
        const none = await call(paths(unknown)[i] as string, { token });
        expect(res.json.title, name).toBe(none.json.title);
        expect(res.text, name).not.toContain(moscow.name);
      }
      expect((await call(`/api/v1/shops/${belgrade.id}/sales/B-1`, { token })).status).toBe(200);
    }
    expect((await call(paths(moscow.id)[2] as string, { token: owner })).status).toBe(200);
  });

  it("never see another shop on any report route", async () => {
    const readers = modules
      .flatMap((m) => m.routes)
      .filter(
        (r) =>
          r.spec.method === "get" &&
          r.spec.guard.kind === "scopes" &&
          r.spec.guard.scopes.includes("reports:read"),
      );
    expect(readers.length).toBeGreaterThanOrEqual(6);
    for (const route of readers) {
      const path = route.spec.path
        .replace("{shop_id}", String(moscow.id))
        .replace("{id}", "M-1")
        .replace(/\{\w+\}/g, "x");
      const query = `from=${FROM}&to=${TO}&day=2014-06-02&date=2014-06-02`;
      for (const { name, token } of bound()) {
        const res = await call(`${path}?${query}`, { token });
        const label = `${name} ${route.spec.operationId} → ${res.status}`;
        expect(res.status, label).toBeLessThan(500);
        expect(res.status, label).not.toBe(403);
        expect(res.text, label).not.toContain(moscow.name);
        expect(res.text, label).not.toMatch(new RegExp(`"shop_id":${moscow.id}\\b`));
      }
    }
  });

  it("see their shops only on the dashboard, its pages and its exports", async () => {
    const page = (path: string) => call(path, { headers: { cookie: managerCookie } });
    const dashboard = await page(`/dashboard?from=${FROM}&to=${TO}`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain(belgrade.name);
    expect(dashboard.text).not.toContain(moscow.name);
    for (const path of [
      `/dashboard/shops/${moscow.id}?from=${FROM}&to=${TO}`,
      `/dashboard/shops/${moscow.id}/receipts?day=2014-06-02`,
      `/dashboard/shops/${moscow.id}/receipts/M-1`,
      `/dashboard/export.csv?from=${FROM}&to=${TO}&shop_id=${moscow.id}`,
    ])
      expect((await page(path)).status, path).toBe(404);
    expect((await page(`/dashboard/shops/${belgrade.id}?from=${FROM}&to=${TO}`)).status).toBe(200);
    const csv = await page(`/dashboard/export.csv?from=${FROM}&to=${TO}&interval=day`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(belgrade.name);
    expect(csv.text).not.toContain(moscow.name);
    const total = csv.text.split("\r\n").find((l) => l.startsWith("total,")) ?? "";
    expect(total).toContain(",RUB,307.69,");
  });

  it("hear on the live channel only of their shops' changes", async () => {
    const { exports } = await import("cloudflare:workers");
    const open = async (cookie: string) => {
      const res = await exports.default.fetch(`${BASE}/dashboard/live`, {
        headers: { cookie, upgrade: "websocket", origin: BASE },
      });
      expect(res.status).toBe(101);
      const ws = res.webSocket as WebSocket;
      ws.accept();
      const heard: string[] = [];
      ws.addEventListener("message", (e) => heard.push(String(e.data)));
      return { ws, heard };
    };
    const [mine, chain] = await Promise.all([
      open(managerCookie),
      signedInCookie("owner").then(open),
    ]);
    // The object tells watchers at most once a second: a change, then a wait past that.
    const sell = async (shopId: number, product: number) => {
      await postBatch([{ id: unique("L-"), shop_id: shopId, product_id: product }]);
      await flush();
      await new Promise((r) => setTimeout(r, 1200));
    };
    await sell(moscow.id, onlyInMoscow);
    expect(chain.heard.length).toBeGreaterThan(0);
    expect(mine.heard).toEqual([]);
    await sell(belgrade.id, sold);
    expect(mine.heard.length).toBe(1);
    for (const w of [mine, chain]) w.ws.close();
  });

  it("are granted with shops that exist, and only managers are bound", async () => {
    const login = await registerAndLogin();
    const put = (body: Record<string, unknown>) =>
      admin(`/api/v1/admin/users/${login.user.id}/role`, { method: "PUT", body });
    expect((await put({ role: "manager" })).status).toBe(400);
    expect((await put({ role: "owner", shop_ids: [belgrade.id] })).status).toBe(400);
    const unknown = await put({ role: "manager", shop_ids: [belgrade.id, 987_654_321] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([
      { path: "shop_ids[1]", message: "unknown shop 987654321" },
    ]);
    const key = await admin("/api/v1/admin/api-keys", {
      body: { name: "k", scopes: ["robots:write"], shop_ids: [belgrade.id] },
    });
    expect(key.status).toBe(400);
    expect(key.json.errors[0].path).toBe("shop_ids");
  });
});
