import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { admin, call, registerAndLogin, unique } from "../../support/http";
import { createKey, createShop } from "../../support/sales";

type Order = {
  order_number: string;
  created_at: string;
  total_amount: number;
  status: string;
  items: { sku: string; name: string; quantity: number; price: number }[];
};

function order(number: string, extra: Partial<Order> = {}): Order {
  return {
    order_number: number,
    created_at: "2026-11-20T10:00:00Z",
    total_amount: 300.3,
    status: "new",
    items: [
      { sku: "SKU-1", name: "Cable", quantity: 1, price: 100.1 },
      { sku: "SKU-2", name: "Charger", quantity: 2, price: 100.1 },
    ],
    ...extra,
  };
}

const upload = (user: string, orders: Order[], token?: string, prefix = "/api/orders") =>
  token
    ? call(`${prefix}/upload`, { token, body: { user, orders } })
    : admin(`${prefix}/upload`, { body: { user, orders } });

async function itemCount(orderNumber: string) {
  const row = await env.DB.prepare(
    "select count(*) as n from order_items where order_id = (select id from orders where order_number = ?)",
  )
    .bind(orderNumber)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("order upload", () => {
  it("creates the seller and its orders, then updates them and replaces their items", async () => {
    const user = unique("seller_");
    const n1 = unique("A-");
    const n2 = unique("B-");
    const first = await upload(user, [order(n1), order(n2)]);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ user, created: 2, updated: 0 });

    const second = await upload(user, [
      order(n1, {
        status: "paid",
        total_amount: 5,
        items: [{ sku: "X", name: "New", quantity: 5, price: 1 }],
      }),
    ]);
    expect(second.json).toEqual({ user, created: 0, updated: 1 });
    const stored = await admin(`/api/v1/orders/${n1}`);
    expect(stored.status).toBe(200);
    expect(stored.json).toEqual({
      order_number: n1,
      user,
      created_at: "2026-11-20T10:00:00.000Z",
      total_amount: 5,
      status: "paid",
      items: [{ sku: "X", name: "New", quantity: 5, price: 1 }],
    });
    expect(await itemCount(n2)).toBe(2);
    const count = await env.DB.prepare(
      "select count(*) as n from orders where order_number in (?, ?)",
    )
      .bind(n1, n2)
      .first<{ n: number }>();
    expect(count?.n).toBe(2);
  });

  it("refuses another seller's order number with 409 and saves nothing of the upload", async () => {
    const owner = unique("owner_");
    const taken = unique("T-");
    await upload(owner, [order(taken)]);
    const intruder = unique("intruder_");
    const fresh = unique("F-");
    const res = await upload(intruder, [order(fresh), order(taken, { status: "stolen" })]);
    expect(res.status).toBe(409);
    expect(res.json.errors).toEqual([
      { path: "orders[1].order_number", message: expect.any(String) },
    ]);
    expect((await admin(`/api/v1/orders/${taken}`)).json.status).toBe("new");
    expect((await admin(`/api/v1/orders/${fresh}`)).status).toBe(404);
  });

  it("refuses the same order number twice in one body with 400", async () => {
    const n = unique("D-");
    const res = await upload(unique("s_"), [order(n), order(unique("E-")), order(n)]);
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual([
      "orders[2].order_number",
    ]);
  });

  it("validates every field with its path, and one bad order saves nothing", async () => {
    const user = unique("v_");
    const good = unique("G-");
    const bad = order(unique("H-"), {
      total_amount: 1e10,
      status: "x".repeat(21),
      items: [
        { sku: "", name: "ok", quantity: 0, price: 1.005 },
        { sku: "ok", name: "n".repeat(256), quantity: 1.5, price: -1 },
      ],
    });
    const res = await upload(user, [order(good), order(unique("I-")), order(unique("J-")), bad]);
    expect(res.status).toBe(400);
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(
      [
        "orders[3].items[0].price",
        "orders[3].items[0].quantity",
        "orders[3].items[0].sku",
        "orders[3].items[1].name",
        "orders[3].items[1].price",
        "orders[3].items[1].quantity",
        "orders[3].status",
        "orders[3].total_amount",
      ].sort(),
    );
    expect((await admin(`/api/v1/orders/${good}`)).status).toBe(404);
    const longUser = await upload("u".repeat(51), [order(unique("K-"))]);
    expect(longUser.json.errors[0].path).toBe("user");
    const tooMany = await upload(
      unique("m_"),
      Array.from({ length: 1001 }, (_, i) => order(`M-${i}`)),
    );
    expect(tooMany.status).toBe(400);
    const badDate = await upload(unique("d_"), [order(unique("L-"), { created_at: "20.11.2026" })]);
    expect(badDate.json.errors[0].path).toBe("orders[0].created_at");
  });

  it("is served under /api/orders and /api/v1/orders, with or without a trailing slash", async () => {
    const user = unique("path_");
    for (const [i, path] of [
      "/api/orders/upload",
      "/api/orders/upload/",
      "/api/v1/orders/upload",
      "/api/v1/orders/upload/",
    ].entries()) {
      const res = await admin(path, { body: { user, orders: [order(`${user}-${i}`)] } });
      expect(res.status, path).toBe(200);
    }
    expect((await admin(`/api/orders/stats/?user=${user}`)).json.orders_count).toBe(4);
  });

  it("takes an upload of 1000 orders x 3 items in one request", async () => {
    const user = unique("bulk_");
    const orders = Array.from({ length: 1000 }, (_, i) =>
      order(`${user}-${i}`, {
        total_amount: 30,
        items: [1, 2, 3].map((k) => ({ sku: `S${k}`, name: `Item ${k}`, quantity: k, price: 5 })),
      }),
    );
    const res = await upload(user, orders);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ user, created: 1000, updated: 0 });
    expect(res.headers.get("server-timing")).toMatch(/\d+ statements in 1 batch/);
    const statements = Number(res.headers.get("server-timing")?.match(/(\d+) statements/)?.[1]);
    expect(statements).toBeLessThan(10);
    const items = await env.DB.prepare(
      "select count(*) as n from order_items i join orders o on o.id = i.order_id join sellers s on s.id = o.seller_id where s.name = ?",
    )
      .bind(user)
      .first<{ n: number }>();
    expect(items?.n).toBe(3000);
    const again = await upload(user, orders);
    expect(again.json).toEqual({ user, created: 0, updated: 1000 });
    const after = await env.DB.prepare(
      "select count(*) as n from order_items i join orders o on o.id = i.order_id join sellers s on s.id = o.seller_id where s.name = ?",
    )
      .bind(user)
      .first<{ n: number }>();
    expect(after?.n).toBe(3000);
  });

  it("leaves a consistent state when two uploads touch the same orders at once", async () => {
    const user = unique("race_");
    const numbers = Array.from({ length: 50 }, (_, i) => `${user}-${i}`);
    const a = numbers.map((n) =>
      order(n, { status: "a", items: [{ sku: "A", name: "a", quantity: 1, price: 1 }] }),
    );
    const b = numbers.map((n) =>
      order(n, {
        status: "b",
        items: [
          { sku: "B1", name: "b", quantity: 1, price: 1 },
          { sku: "B2", name: "b", quantity: 1, price: 1 },
        ],
      }),
    );
    const [ra, rb] = await Promise.all([upload(user, a), upload(user, b)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect(ra.json.created + rb.json.created).toBeGreaterThanOrEqual(50);
    for (const n of numbers) {
      const o = (await admin(`/api/v1/orders/${n}`)).json;
      const skus = o.items.map((i: { sku: string }) => i.sku).join(",");
      // Each order is wholly one upload's version: status and items agree.
      expect(o.status === "a" ? skus === "A" : skus === "B1,B2").toBe(true);
    }
    const count = await env.DB.prepare(
      "select count(*) as n from orders o join sellers s on s.id = o.seller_id where s.name = ?",
    )
      .bind(user)
      .first<{ n: number }>();
    expect(count?.n).toBe(50);
  });

  it("checks credentials: seller-bound keys, other sellers, users and no token", async () => {
    const user = unique("keyed_");
    const key = await createKey({ scopes: ["orders:write"], seller: user });
    const n = unique("K-");
    expect((await upload(user, [order(n)], key)).status).toBe(200);
    expect((await upload(unique("other_"), [order(unique("K-"))], key)).status).toBe(403);
    expect((await call(`/api/v1/orders/${n}`, { token: key })).status).toBe(200);
    const otherKey = await createKey({ scopes: ["orders:write"], seller: unique("someone_") });
    expect((await call(`/api/v1/orders/${n}`, { token: otherKey })).status).toBe(404);
    expect(
      (await call("/api/orders/upload", { body: { user, orders: [order(unique("Z-"))] } })).status,
    ).toBe(401);
    const { access } = await registerAndLogin();
    expect((await upload(user, [order(unique("Z-"))], access)).status).toBe(403);
    const salesKey = await createKey({ scopes: ["sales:write"], shop_id: (await createShop()).id });
    expect((await upload(user, [order(unique("Z-"))], salesKey)).status).toBe(403);
    expect((await admin("/api/v1/orders/no-such-order")).status).toBe(404);
  });

  it("accepts a body up to 5 MiB and refuses a larger one with 413", async () => {
    const big = "x".repeat(5 * 1024 * 1024);
    const res = await admin("/api/orders/upload", { body: { user: "u", orders: [], pad: big } });
    expect(res.status).toBe(413);
    const mid = await admin("/api/orders/upload", {
      body: { user: "u", orders: [], pad: "x".repeat(2 * 1024 * 1024) },
    });
    expect(mid.status).toBe(400); // over the default 1 MiB, under the upload limit: validated
  });
});

describe("seller statistics", () => {
  it("sums revenue exactly in kopecks and averages with 2 decimals", async () => {
    const user = unique("stats_");
    await upload(user, [
      order(`${user}-1`, { total_amount: 0.1 }),
      order(`${user}-2`, { total_amount: 0.2 }),
      order(`${user}-3`, { total_amount: 100 }),
    ]);
    const res = await admin(`/api/orders/stats?user=${user}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      user,
      orders_count: 3,
      total_revenue: 100.3,
      avg_order_value: 33.43,
      cancelled_count: 0,
      revenue_excluding_cancelled: 100.3,
    });
  });

  it("counts cancelled orders in all orders (docs/API.md#orders) and also apart, with the revenue without them", async () => {
    const user = unique("cancel_");
    const orders = [
      order(`${user}-1`, { total_amount: 10.1, status: "paid" }),
      order(`${user}-2`, { total_amount: 20.2, status: "cancelled" }),
      order(`${user}-3`, { total_amount: 30.3, status: "Canceled" }),
      order(`${user}-4`, { total_amount: 0.05, status: "delivered" }),
    ];
    await upload(user, orders);
    const res = await admin(`/api/orders/stats?user=${user}`);
    // Recomputed from what was uploaded, in kopecks.
    const kopecks = (o: Order) => Math.round(o.total_amount * 100);
    const isCancelled = (o: Order) => ["cancelled", "canceled"].includes(o.status.toLowerCase());
    const all = orders.reduce((sum, o) => sum + kopecks(o), 0);
    const kept = orders.filter((o) => !isCancelled(o)).reduce((sum, o) => sum + kopecks(o), 0);
    expect(res.json).toEqual({
      user,
      orders_count: orders.length,
      total_revenue: all / 100,
      avg_order_value: Math.round(all / orders.length) / 100,
      cancelled_count: orders.filter(isCancelled).length,
      revenue_excluding_cancelled: kept / 100,
    });
  });

  it("answers 400 without user and 404 for an unknown one", async () => {
    const missing = await admin("/api/orders/stats");
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0].path).toBe("user");
    expect((await admin(`/api/orders/stats?user=${unique("ghost_")}`)).status).toBe(404);
  });

  it("lets the seller's key and reports:read keys read, not other sellers", async () => {
    const user = unique("reader_");
    await upload(user, [order(`${user}-1`)]);
    const own = await createKey({ scopes: ["orders:write"], seller: user });
    const reader = await createKey({ scopes: ["reports:read"] });
    const other = await createKey({ scopes: ["orders:write"], seller: unique("x_") });
    expect((await call(`/api/orders/stats?user=${user}`, { token: own })).status).toBe(200);
    expect((await call(`/api/orders/stats?user=${user}`, { token: reader })).status).toBe(200);
    expect((await call(`/api/orders/stats?user=${user}`, { token: other })).status).toBe(403);
    expect((await call(`/api/orders/stats?user=${user}`)).status).toBe(401);
  });
});

describe("daily_order_stats job", () => {
  it("stores the previous UTC day once per scheduled run, and a manual run applies again", async () => {
    const user = unique("daily_");
    await upload(user, [
      order(`${user}-1`, { created_at: "2026-03-09T23:59:59+00:00", total_amount: 1 }),
      order(`${user}-2`, { created_at: "2026-03-10T00:00:00Z", total_amount: 10 }),
      order(`${user}-3`, { created_at: "2026-03-10T23:30:00-01:00", total_amount: 99 }), // 11 Mar UTC
      order(`${user}-4`, { created_at: "2026-03-10T12:00:00Z", total_amount: 0.05 }),
    ]);
    const controller = createScheduledController({
      cron: "5 0 * * *",
      scheduledTime: new Date(Date.UTC(2026, 2, 11, 0, 5)),
    });
    await worker.scheduled(controller, env);
    const daily = await admin(`/api/v1/orders/stats/daily?user=${user}`);
    expect(daily.status).toBe(200);
    expect(daily.json.items).toEqual([
      { day: "2026-03-10", orders_count: 2, total_revenue: 10.05, avg_order_value: 5.03 },
    ]);
    const runs = await env.DB.prepare(
      "select count(*) as n from job_runs where name = 'daily-order-stats' and period = '2026-03-10'",
    ).first<{ n: number }>();
    expect(runs?.n).toBe(1);
    // A retried trigger for the same scheduled time finds its period done and changes nothing.
    await upload(user, [
      order(`${user}-5`, { created_at: "2026-03-10T13:00:00Z", total_amount: 1000 }),
    ]);
    await worker.scheduled(controller, env);
    const unchanged = await admin(
      `/api/v1/orders/stats/daily?user=${user}&from=2026-03-10&to=2026-03-10`,
    );
    expect(unchanged.json.items[0].orders_count).toBe(2);
  });

  it("runs on demand through the admin jobs endpoint", async () => {
    const user = unique("manual_");
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await upload(user, [
      order(`${user}-1`, { created_at: `${yesterday}T08:00:00Z`, total_amount: 42 }),
    ]);
    const run = await admin("/api/v1/admin/jobs/daily-order-stats/run", { method: "POST" });
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({
      job: "daily-order-stats",
      applied: true,
      result: { day: yesterday },
    });
    const daily = await admin(`/api/v1/orders/stats/daily?user=${user}&from=${yesterday}`);
    expect(daily.json.items).toEqual([
      { day: yesterday, orders_count: 1, total_revenue: 42, avg_order_value: 42 },
    ]);
  });
});
