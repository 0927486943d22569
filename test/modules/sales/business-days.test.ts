import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bruteBusinessDay,
  bruteFigures,
  dayStart,
  offsetChanges,
  type RawRefund,
  type RawSale,
} from "../../support/business-days";
import { admin, eventually } from "../../support/http";
import { createProduct, flush, postBatch } from "../../support/sales";

type Shop = { id: number; time_zone: string; day_starts_at: string };

async function zonedShop(time_zone: string, day_starts_at = "00:00"): Promise<Shop> {
  const res = await admin("/api/v1/admin/shops", {
    body: { name: `Shop ${time_zone}`, address: "1 Test St", time_zone, day_starts_at },
  });
  if (res.status !== 201) throw new Error(`shop: ${res.text}`);
  return res.json;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

async function report(query: Record<string, string | number>) {
  const res = await admin(
    `/api/v1/reports/sales?${new URLSearchParams(
      Object.entries(query).map(([k, v]) => [k, String(v)]),
    )}`,
  );
  if (res.status !== 200) throw new Error(`report: ${res.text}`);
  return res.json;
}

describe("shop business days", () => {
  it("validates and canonicalises the zone and the day start", async () => {
    const shop = await zonedShop("europe/moscow", "04:00");
    expect(shop).toMatchObject({ time_zone: "Europe/Moscow", day_starts_at: "04:00" });
    for (const body of [
      { time_zone: "Mars/Olympus" },
      { day_starts_at: "12:01" },
      { day_starts_at: "4:00" },
      { day_starts_at: "13:00" },
    ]) {
      const res = await admin("/api/v1/admin/shops", {
        body: { name: "X", address: "Y", ...body },
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.errors[0].path).toBe(Object.keys(body)[0]);
    }
    const plain = await admin("/api/v1/admin/shops", { body: { name: "X", address: "Y" } });
    expect(plain.json).toMatchObject({ time_zone: "UTC", day_starts_at: "00:00" });
  });

  it("counts a sale on its shop's business day: 03:59 local is still yesterday with a 04:00 start", async () => {
    const product = await createProduct(10);
    const moscow = await zonedShop("Europe/Moscow", "04:00");
    const utc = await zonedShop("UTC");
    await postBatch([
      {
        product_id: product.id,
        shop_id: moscow.id,
        id: "m1",
        sold_at: "2010-12-01T03:59:00+03:00",
      },
      {
        product_id: product.id,
        shop_id: moscow.id,
        id: "m2",
        sold_at: "2010-12-01T04:00:00+03:00",
      },
      // 01:30 Moscow on 1 December is 22:30 UTC on 30 November.
      { product_id: product.id, shop_id: utc.id, id: "u1", sold_at: "2010-12-01T01:30:00+03:00" },
    ]);
    await flush();
    const m = await report({ from: "2010-11-30", to: "2010-12-01", shop_id: moscow.id });
    expect(m.series.map((p: { period: string; sales: number }) => [p.period, p.sales])).toEqual([
      ["2010-11-30", 1],
      ["2010-12-01", 1],
    ]);
    const u = await report({ from: "2010-11-30", to: "2010-12-01", shop_id: utc.id });
    expect(u.series[0]).toMatchObject({ period: "2010-11-30", sales: 1, gross: 10 });
    // The month of a top-10 is the shop's business month.
    const top = await admin("/api/v1/reports/top-shops?month=2010-11");
    expect(top.json.items.map((i: { shop_id: number }) => i.shop_id).sort()).toEqual(
      [moscow.id, utc.id].sort(),
    );
  });

  it("follows DST: a Berlin day starting 02:30 begins at 03:00 on the spring day and at the first 02:30 in autumn", async () => {
    const shop = await zonedShop("Europe/Berlin", "02:30");
    expect(new Date(dayStart("2026-03-29", "Europe/Berlin", 150)).toISOString()).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(new Date(dayStart("2026-10-25", "Europe/Berlin", 150)).toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    const product = await createProduct(1);
    // 01:10Z on the autumn day reads 02:10 (the second pass of the hour): that day had begun.
    // The same in 2019 (31 March, 27 October): the property test below owns 2021..2026.
    const at = [
      "2019-03-31T00:59:00Z",
      "2019-03-31T01:00:00Z",
      "2019-10-27T00:29:00Z",
      "2019-10-27T01:10:00Z",
    ];
    await postBatch(
      at.map((sold_at, i) => ({ product_id: product.id, shop_id: shop.id, id: `b${i}`, sold_at })),
    );
    await flush();
    const days = await report({ from: "2019-03-30", to: "2019-10-27", shop_id: shop.id });
    const withSales = days.series.filter((p: { sales: number }) => p.sales > 0);
    expect(withSales.map((p: { period: string; sales: number }) => [p.period, p.sales])).toEqual([
      ["2019-03-30", 1],
      ["2019-03-31", 1],
      ["2019-10-26", 1],
      ["2019-10-27", 1],
    ]);
  });
});

describe("refunds", () => {
  it("refund part, then the rest, never more; each on its own business day", async () => {
    const product = await createProduct(12.5);
    const shop = await zonedShop("Asia/Vladivostok");
    const sale = {
      product_id: product.id,
      shop_id: shop.id,
      id: "S-1",
      quantity: 3,
      sold_at: "2011-01-10T12:00:00+10:00",
    };
    expect((await admin("/api/v1/sales", { body: sale })).status).toBe(202);
    // Still in the shard's buffer: a refund finds it there.
    const r1 = await admin("/api/v1/refunds", {
      body: {
        id: "R-1",
        shop_id: shop.id,
        sale_id: "S-1",
        quantity: 2,
        refunded_at: "2011-01-11T09:00:00+10:00",
      },
    });
    expect(r1.status).toBe(202);
    expect(r1.json).toEqual({ id: "R-1", status: "accepted" });
    const again = await admin("/api/v1/refunds", {
      body: {
        id: "R-1",
        shop_id: shop.id,
        sale_id: "S-1",
        quantity: 2,
        refunded_at: "2011-01-11T09:00:00+10:00",
      },
    });
    expect(again.json.status).toBe("duplicate");
    await flush();
    const over = await admin("/api/v1/refunds", {
      body: {
        id: "R-2",
        shop_id: shop.id,
        sale_id: "S-1",
        quantity: 2,
        refunded_at: "2011-01-12T09:00:00+10:00",
      },
    });
    expect(over.status).toBe(409);
    expect(over.json.detail).toContain("line 1: 1 of 3 left");
    const before = await admin("/api/v1/refunds", {
      body: {
        id: "R-3",
        shop_id: shop.id,
        sale_id: "S-1",
        refunded_at: "2011-01-10T11:00:00+10:00",
      },
    });
    expect(before.status).toBe(400);
    expect(before.json.errors[0].path).toBe("refunded_at");
    const unknown = await admin("/api/v1/refunds", {
      body: { id: "R-4", shop_id: shop.id, sale_id: "nope" },
    });
    expect(unknown.status).toBe(404);
    // Without a quantity: all that is left (1).
    const rest = await admin("/api/v1/refunds", {
      body: {
        id: "R-5",
        shop_id: shop.id,
        sale_id: "S-1",
        refunded_at: "2011-01-12T09:00:00+10:00",
      },
    });
    expect(rest.status).toBe(202);
    await flush();
    const r = await report({ from: "2011-01-10", to: "2011-01-12", shop_id: shop.id });
    // No discount, no tax: the receipt figures reduce to gross and refunds.
    const none = { discounts: 0, tax: 0, average_sale: null, items_per_sale: null };
    expect(r.series).toEqual([
      {
        period: "2011-01-10",
        gross: 37.5,
        refunds: 0,
        net: 37.5,
        collected: 37.5,
        items_sold: 3,
        items_refunded: 0,
        sales: 1,
        ...none,
        average_sale: 37.5,
        items_per_sale: 3,
      },
      {
        period: "2011-01-11",
        gross: 0,
        refunds: 25,
        net: -25,
        collected: -25,
        items_sold: 0,
        items_refunded: 2,
        sales: 0,
        ...none,
      },
      {
        period: "2011-01-12",
        gross: 0,
        refunds: 12.5,
        net: -12.5,
        collected: -12.5,
        items_sold: 0,
        items_refunded: 1,
        sales: 0,
        ...none,
      },
    ]);
    expect(r.totals).toEqual({
      gross: 37.5,
      refunds: 37.5,
      net: 0,
      collected: 0,
      items_sold: 3,
      items_refunded: 3,
      sales: 1,
      ...none,
      average_sale: 37.5,
      items_per_sale: 3,
    });
  });

  it("applies a batch in order: a refund after its sale is kept, one before it is rejected", async () => {
    const product = await createProduct(5);
    const shop = await zonedShop("UTC");
    const at = "2011-02-01T10:00:00Z";
    const res = await admin("/api/v1/sales/batch", {
      body: {
        sales: [
          { type: "refund", id: "early", shop_id: shop.id, sale_id: "A", refunded_at: at },
          {
            type: "sale",
            product_id: product.id,
            shop_id: shop.id,
            id: "A",
            quantity: 4,
            sold_at: at,
          },
          {
            type: "refund",
            id: "late",
            shop_id: shop.id,
            sale_id: "A",
            quantity: 3,
            refunded_at: at,
          },
          {
            type: "refund",
            id: "too-much",
            shop_id: shop.id,
            sale_id: "A",
            quantity: 2,
            refunded_at: at,
          },
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json.accepted).toBe(2);
    expect(res.json.rejected.map((r: { index: number }) => r.index)).toEqual([0, 3]);
    expect(res.json.rejected[1].errors[0]).toMatchObject({ path: "sales[3].quantity" });
    await flush();
    const r = await report({ from: "2011-02-01", to: "2011-02-01", shop_id: shop.id });
    expect(r.totals).toMatchObject({ gross: 20, refunds: 15, net: 5, items_refunded: 3 });
  });

  it("never lets concurrent refunds of one sale exceed it", async () => {
    const product = await createProduct(1);
    const shop = await zonedShop("UTC");
    await admin("/api/v1/sales", {
      body: {
        product_id: product.id,
        shop_id: shop.id,
        id: "C",
        quantity: 5,
        sold_at: "2011-03-01T10:00:00Z",
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        admin("/api/v1/refunds", {
          body: {
            id: `c${i}`,
            shop_id: shop.id,
            sale_id: "C",
            quantity: 1,
            refunded_at: "2011-03-01T11:00:00Z",
          },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
    await flush();
    const r = await report({ from: "2011-03-01", to: "2011-03-01", shop_id: shop.id });
    expect(r.totals).toMatchObject({ items_sold: 5, items_refunded: 5, net: 0 });
  });
});

describe("range reports", () => {
  it("answer weeks from Monday, months, the previous period, and refuse bad ranges", async () => {
    const product = await createProduct(2);
    const shop = await zonedShop("UTC");
    // 2012-03-05 is a Monday.
    const days = [
      "2012-02-29",
      "2012-03-01",
      "2012-03-04",
      "2012-03-05",
      "2012-03-11",
      "2012-03-31",
    ];
    await postBatch(
      days.map((d, i) => ({
        product_id: product.id,
        shop_id: shop.id,
        id: `w${i}`,
        sold_at: `${d}T12:00:00Z`,
      })),
    );
    await flush();
    const weeks = await report({
      from: "2012-03-01",
      to: "2012-03-31",
      interval: "week",
      shop_id: shop.id,
    });
    expect(weeks.series.map((p: { period: string; sales: number }) => [p.period, p.sales])).toEqual(
      [
        ["2012-02-27", 2],
        ["2012-03-05", 2],
        ["2012-03-12", 0],
        ["2012-03-19", 0],
        ["2012-03-26", 1],
      ],
    );
    expect(weeks.previous).toMatchObject({ from: "2012-01-30", to: "2012-02-29", sales: 1 });
    const months = await report({
      from: "2012-02-01",
      to: "2012-03-31",
      interval: "month",
      product_id: product.id,
    });
    expect(
      months.series.map((p: { period: string; sales: number }) => [p.period, p.sales]),
    ).toEqual([
      ["2012-02", 1],
      ["2012-03", 5],
    ]);
    expect(Date.parse(months.as_of)).toBeLessThanOrEqual(Date.now());
    for (const bad of [
      "from=2012-03-02&to=2012-03-01",
      "from=2012-01-01&to=2013-01-03",
      "from=2012-02-30&to=2012-03-01",
      "from=2012-01-01",
      "from=2012-01-01&to=2012-01-02&interval=year",
      "from=2012-01-01&to=2012-01-02&shop_id=01",
    ]) {
      const res = await admin(`/api/v1/reports/sales?${bad}`);
      expect(res.status, bad).toBe(400);
    }
    expect(
      (await admin("/api/v1/reports/top-shops?month=2012-03&from=2012-03-01&to=2012-03-02")).status,
    ).toBe(400);
  });
});

// The zones the issue names: a +05:45 offset, a half-hour DST, a −03:30 zone with DST, Berlin's
// DST days, and zones without DST.
const ZONES = [
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "America/St_Johns",
  "Europe/Berlin",
  "Europe/Moscow",
  "Asia/Novosibirsk",
  "UTC",
] as const;
const DST_ZONES = ["Australia/Lord_Howe", "America/St_Johns", "Europe/Berlin"];

// Runs go back a year each, from the year of the Berlin DST days (2026).
let runYear = 2026;

describe("reports against a brute-force recomputation", () => {
  it("agree for random sales and refunds across zones, day starts and DST days", async () => {
    const products = await Promise.all([
      createProduct(19.99),
      createProduct(0.3),
      createProduct(1234.56),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            zone: fc.constantFrom(...ZONES),
            start: fc.constantFrom("00:00", "02:30", "04:00", "05:45", "12:00"),
          }),
          { minLength: 2, maxLength: 4 },
        ),
        fc.array(
          fc.record({
            shop: fc.nat(),
            product: fc.nat(),
            quantity: fc.integer({ min: 1, max: 5 }),
            near: fc.nat(),
            offsetMin: fc.integer({ min: -36 * 60, max: 36 * 60 }),
            refund: fc.option(
              fc.record({
                quantity: fc.integer({ min: 1, max: 5 }),
                afterMin: fc.integer({ min: 0, max: 3 * 24 * 60 }),
              }),
              { freq: 3 },
            ),
          }),
          { minLength: 10, maxLength: 60 },
        ),
        async (shopSpecs, saleSpecs) => {
          // Each run has its own year (and so its own DST days and business days).
          const year = runYear--;
          const shops = await Promise.all(shopSpecs.map((s) => zonedShop(s.zone, s.start)));
          const anchors = DST_ZONES.flatMap((z) => offsetChanges(z, year));
          const rawSales: RawSale[] = [];
          const rawRefunds: RawRefund[] = [];
          const items: Record<string, unknown>[] = [];
          saleSpecs.forEach((spec, i) => {
            const shop = shops[spec.shop % shops.length] as Shop;
            const product = products[spec.product % products.length] as {
              id: number;
              price: number;
            };
            // Near a DST change or a midnight, within ±36 h, inside the run's year.
            const anchor = anchors[spec.near % anchors.length] ?? Date.UTC(year, 5, 15);
            // Business days stay inside the year; no sale in the future (at most 5 minutes ahead).
            const last = Math.min(Date.UTC(year, 11, 27), Date.now() - 4 * 86_400_000);
            const at = Math.min(
              Math.max(anchor + spec.offsetMin * 60_000, Date.UTC(year, 0, 3)),
              last,
            );
            const sale: RawSale = {
              id: `P${i}`,
              shopId: shop.id,
              productId: product.id,
              quantity: spec.quantity,
              priceMinor: Math.round(product.price * 100),
              at,
              day: bruteBusinessDay(at, shop.time_zone, minutes(shop.day_starts_at)),
            };
            rawSales.push(sale);
            items.push({
              product_id: product.id,
              shop_id: shop.id,
              id: sale.id,
              quantity: sale.quantity,
              sold_at: new Date(at).toISOString(),
            });
            if (spec.refund) {
              const quantity = Math.min(spec.refund.quantity, spec.quantity);
              const rAt = Math.min(at + spec.refund.afterMin * 60_000, last + 86_400_000);
              rawRefunds.push({
                id: `Q${i}`,
                sale,
                quantity,
                at: rAt,
                day: bruteBusinessDay(rAt, shop.time_zone, minutes(shop.day_starts_at)),
              });
              items.push({
                type: "refund",
                id: `Q${i}`,
                shop_id: shop.id,
                sale_id: sale.id,
                quantity,
                refunded_at: new Date(rAt).toISOString(),
              });
            }
          });
          const stored = await postBatch(items);
          expect(stored.rejected).toEqual([]);
          await flush();
          const from = `${year}-01-01`;
          const to = `${year}-12-31`;
          const range = { from, to };
          const inRange = (d: string) => d >= from && d <= to;
          for (const shop of shops) {
            const r = await report({ ...range, interval: "day", shop_id: shop.id });
            for (const p of r.series) {
              const { period, ...figures } = p;
              expect(figures, `${shop.time_zone} ${shop.day_starts_at} ${period}`).toEqual(
                bruteFigures(rawSales, rawRefunds, (d, s) => d === period && s === shop.id),
              );
            }
            const m = await report({ ...range, interval: "month", shop_id: shop.id });
            for (const p of m.series) {
              const { period, ...figures } = p;
              expect(figures).toEqual(
                bruteFigures(rawSales, rawRefunds, (d, s) => d.startsWith(period) && s === shop.id),
              );
            }
          }
          for (const product of products) {
            const w = await report({
              ...range,
              interval: "week",
              product_id: product.id,
              shop_id: shops[0]?.id ?? 0,
            });
            expect(w.totals).toEqual(
              bruteFigures(
                rawSales,
                rawRefunds,
                (d, s, p) => inRange(d) && s === shops[0]?.id && p === product.id,
              ),
            );
          }
          // The top 10s over the year (only this run's shops sold in it).
          const top = await admin(`/api/v1/reports/top-shops?from=${from}&to=${to}`);
          const expected = shops
            .map((s) => ({
              id: s.id,
              f: bruteFigures(rawSales, rawRefunds, (d, sid) => inRange(d) && sid === s.id),
            }))
            .filter((x) => x.f.sales > 0 || x.f.refunds > 0)
            .sort((a, b) => b.f.net - a.f.net || a.id - b.id)
            .map((x) => ({ shop_id: x.id, revenue: x.f.net }));
          expect(
            top.json.items.map((i: { shop_id: number; revenue: number }) => ({
              shop_id: i.shop_id,
              revenue: i.revenue,
            })),
          ).toEqual(expected);
          const topProducts = await admin(`/api/v1/reports/top-products?from=${from}&to=${to}`);
          for (const item of topProducts.json.items) {
            const f = bruteFigures(
              rawSales,
              rawRefunds,
              (d, _s, p) => inRange(d) && p === item.product_id,
            );
            expect(item.quantity).toBe(f.items_sold - f.items_refunded);
          }
          // A month's live top-10 (business months) agrees with the day rollups.
          const month = `${year}-03`;
          const live = await eventually(async () => {
            const res = await admin(`/api/v1/reports/top-shops?month=${month}`);
            const want = shops
              .map((s) => ({
                id: s.id,
                f: bruteFigures(
                  rawSales,
                  rawRefunds,
                  (d, sid) => d.startsWith(month) && sid === s.id,
                ),
              }))
              .filter((x) => x.f.sales > 0 || x.f.refunds > 0)
              .sort((a, b) => b.f.net - a.f.net || a.id - b.id)
              .map((x) => ({ shop_id: x.id, revenue: x.f.net }));
            const got = res.json.items.map((i: { shop_id: number; revenue: number }) => ({
              shop_id: i.shop_id,
              revenue: i.revenue,
            }));
            return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
          });
          expect(live).toBeDefined();
        },
      ),
      { numRuns: 6, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
  }, 120_000);
});

describe("a shop's new time zone", () => {
  it("moves its whole history to the new business days, under concurrent ingest, counting everything once", async () => {
    const product = await createProduct(3);
    const shop = await zonedShop("UTC");
    const rawSales: RawSale[] = [];
    const rawRefunds: RawRefund[] = [];
    const batchOf = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => {
        // Evening UTC hours: the next day in Vladivostok (+10) for most of them.
        const at = Date.UTC(2018, 5, 10 + ((from + i) % 5), 12 + ((from + i) % 12), 7);
        const sale: RawSale = {
          id: `z${from + i}`,
          shopId: shop.id,
          productId: product.id,
          quantity: 1 + ((from + i) % 3),
          priceMinor: 300,
          at,
          day: "",
        };
        rawSales.push(sale);
        return {
          product_id: product.id,
          shop_id: shop.id,
          id: sale.id,
          quantity: sale.quantity,
          sold_at: new Date(at).toISOString(),
        };
      });
    await postBatch(batchOf(200, 0));
    const refunded = rawSales[0] as RawSale;
    const refundAt = Date.UTC(2018, 5, 16, 23, 0);
    rawRefunds.push({ id: "zr", sale: refunded, quantity: 1, at: refundAt, day: "" });
    await admin("/api/v1/refunds", {
      body: {
        id: "zr",
        shop_id: shop.id,
        sale_id: refunded.id,
        quantity: 1,
        refunded_at: new Date(refundAt).toISOString(),
      },
    });
    await flush();
    const before = await report({ from: "2018-06-01", to: "2018-06-30", shop_id: shop.id });
    expect(before.totals.sales).toBe(200);

    const patched = await admin(`/api/v1/admin/shops/${shop.id}`, {
      method: "PATCH",
      body: { time_zone: "Asia/Vladivostok", day_starts_at: "03:00" },
    });
    expect(patched.status).toBe(200);
    const jobId = patched.json.rebuild_job_id;
    expect(jobId).toEqual(expect.any(Number));
    // Sales keep arriving while the job runs.
    for (let k = 1; k <= 4; k++) await postBatch(batchOf(50, 200 * k));
    const done = await eventually(async () => {
      const r = await report({ from: "2018-06-01", to: "2018-06-30", shop_id: shop.id });
      const job = await admin(`/api/v1/admin/jobs/${jobId}`);
      return r.rebuilding.includes(shop.id) || job.json.status !== "succeeded"
        ? undefined
        : job.json;
    }, 15_000);
    expect(done.result).toMatchObject({ shop_id: shop.id, time_zone: "Asia/Vladivostok" });
    // A change that keeps the zone and the day start starts no job.
    const renamed = await admin(`/api/v1/admin/shops/${shop.id}`, {
      method: "PATCH",
      body: { name: "Renamed", time_zone: "Asia/Vladivostok" },
    });
    expect(renamed.json.rebuild_job_id).toBeUndefined();
    await flush();
    for (const s of rawSales) s.day = bruteBusinessDay(s.at, "Asia/Vladivostok", 180);
    for (const r of rawRefunds) r.day = bruteBusinessDay(r.at, "Asia/Vladivostok", 180);
    // Reports are cached for up to a second: the figures are checked once they are current.
    const after = await eventually(async () => {
      const r = await report({ from: "2018-06-01", to: "2018-06-30", shop_id: shop.id });
      return r.totals.sales === 400 ? r : undefined;
    });
    for (const p of after.series) {
      const { period, ...figures } = p;
      expect(figures, period).toEqual(bruteFigures(rawSales, rawRefunds, (d) => d === period));
    }
    expect(after.totals.sales).toBe(400);
    // The product rollup (all shops) moved with it: it equals the shop's, the only seller.
    const byProduct = await report({
      from: "2018-06-01",
      to: "2018-06-30",
      product_id: product.id,
    });
    expect(byProduct.series).toEqual(after.series);
    // The live month top-10 was rebuilt from the rollups.
    const top = await admin("/api/v1/reports/top-shops?month=2018-06");
    expect(top.json.items).toEqual([
      expect.objectContaining({ shop_id: shop.id, revenue: after.totals.net }),
    ]);
  });
});
