import { describe, expect, it } from "vitest";
import { admin, call } from "../../support/http";
import { signedInCookie } from "../../support/pages";
import { flush, postBatch } from "../../support/sales";

// Shops in their own currencies (docs/API.md#currencies) and chain figures converted into one
// (docs/API.md#reporting-currency), through HTTP against the Worker.

async function shopIn(currency: string) {
  const res = await admin("/api/v1/admin/shops", {
    body: { name: `Shop ${currency}`, address: `${crypto.randomUUID().slice(0, 6)} St`, currency },
  });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: number; currency: string };
}

async function productPriced(price: number, prices: Record<string, number>) {
  const res = await admin("/api/v1/admin/products", {
    body: {
      name: `P ${crypto.randomUUID().slice(0, 6)}`,
      model: "M",
      price,
      prices,
      release_date: "2024-01-01",
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: number; price: number; prices: Record<string, number> };
}

const putRates = (date: string, base: string, rates: Record<string, number>) =>
  admin(`/api/v1/admin/fx-rates/${date}`, { method: "PUT", body: { base, rates } });

// The reports' answers are cached for 1 s: a test that reads a report again after changing a
// rate waits that long, as any client would.
const pastTheCache = () => new Promise((r) => setTimeout(r, 1100));

describe("a shop's currency", () => {
  it("is an ISO 4217 code, defaults to the deployment's, and is fixed once the shop has sales", async () => {
    const bad = await admin("/api/v1/admin/shops", {
      body: { name: "x", address: "y", currency: "XYZ" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ path: "currency", message: "not an ISO 4217 currency" }]);
    const plain = await admin("/api/v1/admin/shops", { body: { name: "x", address: "y" } });
    expect(plain.json.currency).toBe("RUB");
    // No transaction yet: the currency may change.
    const moved = await admin(`/api/v1/admin/shops/${plain.json.id}`, {
      method: "PATCH",
      body: { currency: "KZT" },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.currency).toBe("KZT");
    const product = await productPriced(1, { KZT: 450 });
    await postBatch([{ id: "C-1", shop_id: plain.json.id, product_id: product.id }]);
    const fixed = await admin(`/api/v1/admin/shops/${plain.json.id}`, {
      method: "PATCH",
      body: { currency: "RUB" },
    });
    expect(fixed.status).toBe(409);
    expect(fixed.json.errors[0].path).toBe("currency");
    await flush();
    expect(
      (
        await admin(`/api/v1/admin/shops/${plain.json.id}`, {
          method: "PATCH",
          body: { currency: "EUR" },
        })
      ).status,
    ).toBe(409);
  });

  it("prices products per currency, each with its own digits", async () => {
    const p = await productPriced(99.9, { JPY: 3400, KWD: 1.234, EUR: 21.5 });
    expect(p.prices).toEqual({ JPY: 3400, KWD: 1.234, EUR: 21.5 });
    const bad = await admin("/api/v1/admin/products", {
      body: {
        name: "b",
        model: "m",
        price: 1,
        prices: { JPY: 3400.5, KWD: 1.2345, ZZZ: 1 },
        release_date: "2024-01-01",
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(
      expect.arrayContaining([
        { path: "prices.JPY", message: "must be a whole number (JPY has no minor unit)" },
        { path: "prices.KWD", message: "must have at most 3 decimals (KWD)" },
        expect.objectContaining({ path: "prices.ZZZ" }),
      ]),
    );
  });
});

describe("receipts in a shop's currency", () => {
  it("takes yen whole, fils to three digits, spreads and refunds in minor units of each", async () => {
    const [jpy, kwd, kzt] = await Promise.all([shopIn("JPY"), shopIn("KWD"), shopIn("KZT")]);
    const p = await productPriced(10, { JPY: 1500, KWD: 0.125 });
    const sold_at = "2015-03-02T10:00:00Z";
    const res = await postBatch([
      // One line at the catalog price in yen.
      { id: "Y-1", shop_id: jpy.id, product_id: p.id, quantity: 3, sold_at },
      // Three digits: 0.125 × 3 = 0.375, a receipt discount of 0.100 spread 0.075 : 0.025 by amounts.
      {
        id: "K-1",
        shop_id: kwd.id,
        sold_at,
        lines: [
          { product_id: p.id, quantity: 3, tax: 0.019 },
          { product_id: p.id, unit_price: 0.125, tax: 0.006 },
        ],
        discount: 0.1,
        total: 0.425,
      },
      // Yen with decimals, fils with four, and a tenge line without a tenge catalog price.
      { id: "Y-2", shop_id: jpy.id, sold_at, lines: [{ product_id: p.id, unit_price: 99.5 }] },
      { id: "K-2", shop_id: kwd.id, sold_at, lines: [{ product_id: p.id, tax: 0.0005 }] },
      { id: "T-1", shop_id: kzt.id, sold_at, product_id: p.id },
    ]);
    expect(res.accepted, JSON.stringify(res)).toBe(2);
    expect(res.rejected).toEqual([
      {
        index: 2,
        errors: [
          {
            path: "sales[2].lines[0].unit_price",
            message: "must be a whole number (JPY has no minor unit)",
          },
        ],
      },
      {
        index: 3,
        errors: [{ path: "sales[3].lines[0].tax", message: "must have at most 3 decimals (KWD)" }],
      },
      {
        index: 4,
        errors: [
          {
            path: "sales[4].unit_price",
            message: `required: product ${p.id} has no catalog price in KZT, the shop's currency`,
          },
        ],
      },
    ]);
    const refund = await admin("/api/v1/refunds", {
      body: {
        id: "K-1-r",
        shop_id: kwd.id,
        sale_id: "K-1",
        lines: [{ line: 1, quantity: 1 }],
        refunded_at: "2015-03-02T11:00:00Z",
      },
    });
    expect(refund.status, refund.text).toBe(202);
    await flush();
    const yen = (await admin(`/api/v1/shops/${jpy.id}/sales/Y-1`)).json;
    expect(yen).toMatchObject({ currency: "JPY", gross: 4500, net: 4500, total: 4500 });
    expect(yen.lines[0]).toMatchObject({ unit_price: 1500, net: 4500 });
    const fils = (await admin(`/api/v1/shops/${kwd.id}/sales/K-1`)).json;
    expect(fils).toMatchObject({
      currency: "KWD",
      gross: 0.5,
      discounts: 0.1,
      net: 0.4,
      tax: 0.025,
    });
    expect(fils.lines.map((l: { discount: number }) => l.discount)).toEqual([0.075, 0.025]);
    // One of three units back: floor(0.300 × 1 / 3) = 0.100 net, floor(0.019 / 3) = 0.006 tax.
    expect(fils.lines[0]).toMatchObject({ net: 0.3, refunded_quantity: 1, refunded_net: 0.1 });
    expect(fils.refunds[0]).toMatchObject({ currency: "KWD", net: 0.1, tax: 0.006 });
    const report = (
      await admin(`/api/v1/reports/sales?from=2015-03-02&to=2015-03-02&shop_id=${kwd.id}`)
    ).json;
    expect(report.currency).toBe("KWD");
    expect(report.totals).toMatchObject({
      gross: 0.5,
      discounts: 0.1,
      refunds: 0.1,
      net: 0.3,
      tax: 0.019,
      collected: 0.319,
    });
    const yenReport = (
      await admin(`/api/v1/reports/sales?from=2015-03-02&to=2015-03-02&shop_id=${jpy.id}`)
    ).json;
    expect(yenReport).toMatchObject({
      currency: "JPY",
      totals: { gross: 4500, average_sale: 4500 },
    });
  });
});

describe("chain figures in the reporting currency", () => {
  it("converts each shop's days at their rates, derives crosses, names stale rates and keeps missing ones apart", async () => {
    const [rub, kzt, jpy, rsd] = await Promise.all([
      shopIn("RUB"),
      shopIn("KZT"),
      shopIn("JPY"),
      shopIn("RSD"),
    ]);
    const p = await productPriced(100, { KZT: 5000, JPY: 1500, RSD: 120 });
    const at = (day: string) => `2016-05-${day}T12:00:00Z`;
    await postBatch(
      [rub, kzt, jpy, rsd].flatMap((shop) =>
        ["01", "02", "04"].map((day) => ({
          id: `S-${day}`,
          shop_id: shop.id,
          product_id: p.id,
          sold_at: at(day),
        })),
      ),
    );
    await flush();
    // 05-01 against EUR; 05-02 against USD (crosses derived); 05-03 and 05-04 without rates.
    expect((await putRates("2016-05-01", "EUR", { RUB: 100, KZT: 500, JPY: 160 })).status).toBe(
      200,
    );
    const usd = await putRates("2016-05-02", "USD", { EUR: 0.8, RUB: 80, KZT: 480, JPY: 128 });
    expect(usd.json).toEqual({
      date: "2016-05-02",
      base: "USD",
      rates: { EUR: 0.8, RUB: 80, KZT: 480, JPY: 128, USD: 1 },
    });
    const url = "/api/v1/reports/sales?from=2016-05-01&to=2016-05-04&currency=EUR";
    const eur = (await admin(url)).json;
    expect(eur.currency, JSON.stringify(eur)).toBe("EUR");
    expect(
      eur.series.map((d: { gross: number }) => d.gross),
      JSON.stringify(eur),
    ).toEqual([20.38, 18.71, 0, 18.71]);
    // 05-01: 100 RUB = 1.00, 5000 KZT = 10.00, 1500 JPY × 100 / 160 = 937.5 → 9.38 EUR.
    // 05-02: 1.00 + 5000 × 0.8 / 480 = 8.333… → 8.33 + 1500 × 0.8 / 128 = 9.375 → 9.38.
    // 05-04: 05-02's rates, two days stale.
    expect(eur.series.map((d: { gross: number }) => d.gross)).toEqual([20.38, 18.71, 0, 18.71]);
    expect(eur.totals.gross).toBe(57.8);
    expect(eur.totals.sales).toBe(9);
    expect(eur.fx).toEqual({
      RUB: { rate_date: "2016-05-02", stale_days: 2 },
      KZT: { rate_date: "2016-05-02", stale_days: 2 },
      JPY: { rate_date: "2016-05-02", stale_days: 2 },
    });
    // No RSD rate at all: its sales are listed apart in dinars, in no converted figure.
    expect(eur.unconverted).toEqual({
      RSD: expect.objectContaining({ gross: 360, net: 360, sales: 3 }),
    });
    const top = (
      await admin("/api/v1/reports/top-shops?from=2016-05-01&to=2016-05-04&currency=EUR")
    ).json;
    expect(top.items.map((i: { shop_id: number }) => i.shop_id)).toEqual([jpy.id, kzt.id, rub.id]);
    expect(top.items[0]).toMatchObject({ currency: "JPY", net_native: 4500, revenue: 28.14 });
    expect(top.unconverted).toEqual({ RSD: expect.objectContaining({ net: 360 }) });
    // The month's ranking over several currencies is the same conversion.
    const month = (await admin("/api/v1/reports/top-shops?month=2016-05&currency=EUR")).json;
    expect(month.items).toEqual(top.items);

    // A rate for RSD restates the reports at once: its days join the converted figures.
    expect(
      (await putRates("2016-05-01", "EUR", { RUB: 100, KZT: 500, JPY: 160, RSD: 120 })).status,
    ).toBe(200);
    await pastTheCache();
    const restated = (await admin(url)).json;
    expect(restated.unconverted).toEqual({});
    // RSD's 05-02 and 05-04 use 05-01's rate: 05-02's set (USD) has no RSD.
    expect(restated.fx.RSD).toEqual({ rate_date: "2016-05-01", stale_days: 3 });
    expect(restated.totals.gross).toBe(57.8 + 3);
    // The dashboard's export of the same range in euros says so, with the same total.
    const cookie = await signedInCookie("owner");
    const csv = await call(
      "/dashboard/export.csv?from=2016-05-01&to=2016-05-04&interval=day&currency=EUR",
      {
        headers: { cookie },
      },
    );
    const total = csv.text.split("\r\n").find((l) => l.startsWith("total,")) ?? "";
    expect(total).toContain(",EUR,60.8,");
    // In the deployment's currency (RUB) by default: the rouble shop as it is.
    const rubles = (await admin("/api/v1/reports/sales?from=2016-05-01&to=2016-05-01")).json;
    expect(rubles.currency).toBe("RUB");
    expect(rubles.fx.RUB).toBeUndefined();
    // 5000 KZT = 1000 RUB, 1500 JPY = 937.50 RUB, 120 RSD = 100 RUB.
    expect(rubles.totals.gross).toBe(100 + 1000 + 937.5 + 100);
  });

  it("lists the rates by date and refuses bad ones", async () => {
    await putRates("2017-01-01", "EUR", { RUB: 90 });
    await putRates("2017-01-02", "EUR", { RUB: 91 });
    const page = (await admin("/api/v1/admin/fx-rates?from=2017-01-01&to=2017-01-31&limit=1")).json;
    expect(page.items).toEqual([{ date: "2017-01-01", base: "EUR", rates: { EUR: 1, RUB: 90 } }]);
    const next = (
      await admin(
        `/api/v1/admin/fx-rates?from=2017-01-01&to=2017-01-31&limit=1&cursor=${page.next_cursor}`,
      )
    ).json;
    expect(next.items[0].date).toBe("2017-01-02");
    const bad = await putRates("2017-01-03", "EUR", { RUB: 0, XYZ: 1, EUR: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "rates.EUR",
      "rates.RUB",
      "rates.XYZ",
    ]);
    expect(
      (await admin("/api/v1/admin/fx-rates?from=2017-01-03&to=2017-01-03")).json.items,
    ).toEqual([]);
  });
});
