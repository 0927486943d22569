import { describe, expect, it } from "vitest";
import { admin } from "../../support/http";
import { createProduct, createShop, flush, postBatch } from "../../support/sales";

// Receipts (docs/API.md#receipts) at the HTTP level: lines, prices charged, discounts spread to
// the minor unit, tax, the checksum, refunds by line, and the figures every report shows.

const day = "2026-10-14";
const at = `${day}T12:00:00Z`;
let seq = 0;
const receiptId = () => `RC-${Date.now().toString(36)}-${seq++}`;

async function sell(body: Record<string, unknown>) {
  return admin("/api/v1/sales", { body });
}

async function refund(body: Record<string, unknown>) {
  return admin("/api/v1/refunds", { body: { refunded_at: `${day}T18:00:00Z`, ...body } });
}

async function readBack(shopId: number, id: string) {
  const res = await admin(`/api/v1/shops/${shopId}/sales/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function totals(shopId: number) {
  await flush();
  const res = await admin(`/api/v1/reports/sales?from=${day}&to=${day}&shop_id=${shopId}`);
  expect(res.status, res.text).toBe(200);
  return res.json.totals;
}

describe("a receipt", () => {
  it("spreads its discount to the minor unit, largest remainder first, and reads back with every line", async () => {
    const [a, b, c, shop] = await Promise.all([
      createProduct(100),
      createProduct(33.33),
      createProduct(40),
      createShop(),
    ]);
    const id = receiptId();
    const res = await sell({
      id,
      shop_id: shop.id,
      sold_at: at,
      lines: [
        { product_id: a.id, tax: 20 },
        { product_id: b.id, unit_price: 33.33, tax: 6.67 },
        { product_id: c.id, unit_price: 36.67, quantity: 1, discount: 3.33, tax: 6.67 },
      ],
      discount: 0.1,
      total: 199.91,
    });
    expect(res.status, res.text).toBe(202);
    expect(res.json).toEqual({ id, status: "accepted" });
    // Amounts after line discounts: 100.00, 33.33, 33.34 (16 667 minor units); 10 minor units of
    // receipt discount: exact shares 5.9999, 1.9998, 2.0004 → floors 5, 1, 2 and the two left
    // go to the largest remainders, lines 1 and 2.
    const r = await readBack(shop.id, id);
    expect(r.lines.map((l: { discount_share: number }) => l.discount_share)).toEqual([
      0.06, 0.02, 0.02,
    ]);
    expect(r.lines).toMatchObject([
      {
        line: 1,
        product_id: a.id,
        quantity: 1,
        unit_price: 100,
        discount: 0.06,
        net: 99.94,
        tax: 20,
      },
      { line: 2, product_id: b.id, unit_price: 33.33, discount: 0.02, net: 33.31, tax: 6.67 },
      { line: 3, product_id: c.id, unit_price: 36.67, discount: 3.35, net: 33.32, tax: 6.67 },
    ]);
    expect(r).toMatchObject({
      type: "sale",
      gross: 170,
      discounts: 3.43,
      net: 166.57,
      tax: 33.34,
      total: 199.91,
      quantity: 3,
      left_to_refund: 3,
      refunds: [],
    });
    expect(await totals(shop.id)).toMatchObject({
      gross: 170,
      discounts: 3.43,
      refunds: 0,
      net: 166.57,
      tax: 33.34,
      collected: 199.91,
      sales: 1,
      items_sold: 3,
      average_sale: 166.57,
      items_per_sale: 3,
    });
  });

  it("gives a tie of remainders to the earlier line", async () => {
    const [p, shop] = await Promise.all([createProduct(5), createShop()]);
    const id = receiptId();
    const lines = [{ product_id: p.id }, { product_id: p.id }, { product_id: p.id }];
    expect((await sell({ id, shop_id: shop.id, sold_at: at, lines, discount: 0.02 })).status).toBe(
      202,
    );
    const r = await readBack(shop.id, id);
    expect(r.lines.map((l: { discount: number }) => l.discount)).toEqual([0.01, 0.01, 0]);
  });

  it("refuses a wrong checksum, naming both amounts, and changes nothing", async () => {
    const [p, shop] = await Promise.all([createProduct(10), createShop()]);
    const id = receiptId();
    const res = await sell({
      id,
      shop_id: shop.id,
      lines: [{ product_id: p.id, quantity: 2, tax: 2 }],
      discount: 1,
      total: 22,
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: "total", message: expect.stringMatching(/21.*22/) }]);
    expect((await admin(`/api/v1/shops/${shop.id}/sales/${id}`)).status).toBe(404);
  });

  it("names the path of every line error, and refuses the two forms together", async () => {
    const [p, shop] = await Promise.all([createProduct(10), createShop()]);
    const bad = await sell({
      shop_id: shop.id,
      lines: [
        { product_id: p.id },
        { product_id: p.id, quantity: 0 },
        { product_id: p.id, discount: 10.5 },
        { product_id: p.id, tax: -1 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "lines[1].quantity",
      "lines[3].tax",
    ]);
    const over = await sell({ shop_id: shop.id, lines: [{ product_id: p.id, discount: 10.5 }] });
    expect(over.status).toBe(400);
    expect(over.json.errors[0]).toMatchObject({ path: "lines[0].discount" });
    const tooMuch = await sell({ shop_id: shop.id, lines: [{ product_id: p.id }], discount: 11 });
    expect(tooMuch.json.errors[0]).toMatchObject({ path: "discount" });
    const both = await sell({ shop_id: shop.id, product_id: p.id, lines: [{ product_id: p.id }] });
    expect(both.status).toBe(400);
    expect(both.json.errors[0]).toMatchObject({ path: "product_id" });
    const none = await sell({ shop_id: shop.id });
    expect(none.json.errors[0]).toMatchObject({ path: "lines" });
    const decimals = await sell({
      shop_id: shop.id,
      lines: [{ product_id: p.id, unit_price: 1.005 }],
    });
    expect(decimals.json.errors[0]).toMatchObject({ path: "lines[0].unit_price" });
    const unknown = await sell({
      shop_id: shop.id,
      lines: [{ product_id: p.id }, { product_id: 9_999_999 }],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.errors[0]).toMatchObject({ path: "lines[1].product_id" });
    const tooMany = await sell({
      shop_id: shop.id,
      lines: Array.from({ length: 101 }, () => ({ product_id: p.id })),
    });
    expect(tooMany.json.errors[0]).toMatchObject({ path: "lines" });
  });

  it("is one transaction by its id: the same again is a duplicate, another body a 409 with the stored one", async () => {
    const [p, shop] = await Promise.all([createProduct(10), createShop()]);
    const id = receiptId();
    const body = {
      id,
      shop_id: shop.id,
      lines: [
        { product_id: p.id, quantity: 2 },
        { product_id: p.id, tax: 1 },
      ],
    };
    expect((await sell(body)).json.status).toBe("accepted");
    expect((await sell(body)).json.status).toBe("duplicate");
    // The catalog price changes: a line sent without unit_price still asks for the stored one.
    await admin(`/api/v1/admin/products/${p.id}`, { method: "PATCH", body: { price: 11 } });
    await flush();
    expect((await sell(body)).json.status).toBe("duplicate");
    const other = await sell({
      ...body,
      lines: [
        { product_id: p.id, quantity: 2 },
        { product_id: p.id, tax: 2 },
      ],
    });
    expect(other.status).toBe(409);
    expect(other.json.type).toMatch(/idempotency_key_reused/);
    expect(other.json.stored).toMatchObject({
      id,
      lines: [{ quantity: 2, unit_price: 10 }, { tax: 1 }],
    });
    // The one-line form is a receipt of one line: retried as a receipt, the same sale.
    const oneLine = receiptId();
    await sell({ id: oneLine, shop_id: shop.id, product_id: p.id, quantity: 3 });
    const asReceipt = await sell({
      id: oneLine,
      shop_id: shop.id,
      lines: [{ product_id: p.id, quantity: 3 }],
    });
    expect(asReceipt.json.status).toBe("duplicate");
  });
});

describe("refunds by line", () => {
  async function threeLines() {
    const [p, q, shop] = await Promise.all([createProduct(10), createProduct(7), createShop()]);
    const id = receiptId();
    const res = await sell({
      id,
      shop_id: shop.id,
      sold_at: at,
      lines: [
        { product_id: p.id, quantity: 3, discount: 1, tax: 1 },
        { product_id: q.id, quantity: 2, tax: 0.5 },
        { product_id: p.id },
      ],
      discount: 0.07,
    });
    expect(res.status, res.text).toBe(202);
    return { p, q, shop, id };
  }

  it("returns exactly a line's net and tax when it is refunded in parts, then refuses more, naming what is left", async () => {
    const { shop, id } = await threeLines();
    const before = await readBack(shop.id, id);
    const line1 = before.lines[0];
    const parts = [];
    for (const n of [1, 1, 1]) {
      const res = await refund({
        id: receiptId(),
        shop_id: shop.id,
        sale_id: id,
        lines: [{ line: 1, quantity: n }],
      });
      expect(res.status, res.text).toBe(202);
      parts.push(res.json.id);
    }
    const after = await readBack(shop.id, id);
    const net = after.refunds.reduce(
      (s: number, r: { net: number }) => s + Math.round(r.net * 100),
      0,
    );
    const tax = after.refunds.reduce(
      (s: number, r: { tax: number }) => s + Math.round(r.tax * 100),
      0,
    );
    expect(net).toBe(Math.round(line1.net * 100));
    expect(tax).toBe(Math.round(line1.tax * 100));
    expect(after.lines[0]).toMatchObject({ refunded_quantity: 3, refunded_net: line1.net });
    expect(after.left_to_refund).toBe(3);
    const more = await refund({
      id: receiptId(),
      shop_id: shop.id,
      sale_id: id,
      lines: [{ line: 1, quantity: 1 }],
    });
    expect(more.status).toBe(409);
    expect(more.json.detail).toMatch(
      /line 1: 0 of 3 left, line 2: 2 of 2 left, line 3: 1 of 1 left/,
    );
    expect(more.json.errors[0].path).toBe("lines[0].quantity");
    // The rest by default: every line with something left, all of it.
    const rest = await refund({ id: receiptId(), shop_id: shop.id, sale_id: id });
    expect(rest.status).toBe(202);
    const done = await readBack(shop.id, id);
    expect(done.left_to_refund).toBe(0);
    expect(done.refunds.at(-1).lines.map((l: { line: number }) => l.line)).toEqual([2, 3]);
    const nothing = await refund({ id: receiptId(), shop_id: shop.id, sale_id: id });
    expect(nothing.status).toBe(409);
    // Refunded whole, the receipt's day nets to zero, tax too.
    expect(await totals(shop.id)).toMatchObject({
      net: 0,
      tax: 0,
      collected: 0,
      items_refunded: 6,
    });
  });

  it("asks a receipt of several lines to name them; checks line numbers; quantity stays for one line", async () => {
    const { shop, id } = await threeLines();
    const named = await refund({ id: receiptId(), shop_id: shop.id, sale_id: id, quantity: 1 });
    expect(named.status).toBe(400);
    expect(named.json.errors[0]).toMatchObject({
      path: "quantity",
      message: expect.stringMatching(/name the lines/),
    });
    const missing = await refund({
      id: receiptId(),
      shop_id: shop.id,
      sale_id: id,
      lines: [{ line: 4 }],
    });
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0]).toMatchObject({ path: "lines[0].line" });
    const twice = await refund({
      id: receiptId(),
      shop_id: shop.id,
      sale_id: id,
      lines: [{ line: 2 }, { line: 2 }],
    });
    expect(twice.status).toBe(400);
    expect(twice.json.errors[0]).toMatchObject({ path: "lines[1].line" });
    const [p] = [await createProduct(4)];
    const single = receiptId();
    await sell({ id: single, shop_id: shop.id, product_id: p.id, quantity: 4, sold_at: at });
    expect(
      (await refund({ id: receiptId(), shop_id: shop.id, sale_id: single, quantity: 3 })).status,
    ).toBe(202);
    expect((await readBack(shop.id, single)).left_to_refund).toBe(1);
  });

  it("never lets concurrent refunds of a line together exceed it", async () => {
    const [p, shop] = await Promise.all([createProduct(3), createShop()]);
    const id = receiptId();
    await sell({
      id,
      shop_id: shop.id,
      sold_at: at,
      lines: [{ product_id: p.id, quantity: 5 }, { product_id: p.id }],
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        refund({
          id: receiptId(),
          shop_id: shop.id,
          sale_id: id,
          lines: [{ line: 1, quantity: 1 }],
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
    expect(
      (await readBack(shop.id, id)).lines.map(
        (l: { refunded_quantity: number }) => l.refunded_quantity,
      ),
    ).toEqual([5, 0]);
  });

  it("takes a refund in the same batch as its receipt, and answers a retried line refund duplicate", async () => {
    const [p, shop] = await Promise.all([createProduct(2.5), createShop()]);
    const id = receiptId();
    const back = {
      type: "refund",
      id: `${id}-r`,
      shop_id: shop.id,
      sale_id: id,
      lines: [{ line: 2, quantity: 1 }],
      refunded_at: `${day}T13:00:00Z`,
    };
    const result = await postBatch([
      {
        id,
        shop_id: shop.id,
        sold_at: at,
        lines: [{ product_id: p.id }, { product_id: p.id, quantity: 2, tax: 0.5 }],
      },
      back,
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: [] });
    expect(await postBatch([back])).toMatchObject({ duplicates: 1 });
    const changed = await postBatch([{ ...back, lines: [{ line: 1 }] }]);
    expect(changed.rejected).toHaveLength(1);
    const r = await readBack(shop.id, id);
    expect(r.refunds).toEqual([
      expect.objectContaining({ id: back.id, net: 2.5, tax: 0.25, quantity: 1 }),
    ]);
    expect(await totals(shop.id)).toMatchObject({
      gross: 7.5,
      refunds: 2.5,
      net: 5,
      tax: 0.25,
      collected: 5.25,
    });
  });
});

describe("receipts in the reports", () => {
  it("ranks products by net quantity, or by net revenue with ?by=net, each with gross, discounts and net", async () => {
    const [cheap, dear, shop] = await Promise.all([
      createProduct(1),
      createProduct(50),
      createShop(),
    ]);
    await sell({
      id: receiptId(),
      shop_id: shop.id,
      sold_at: "2026-09-10T10:00:00Z",
      lines: [
        { product_id: cheap.id, quantity: 10 },
        { product_id: dear.id, unit_price: 45, discount: 5 },
      ],
    });
    await flush();
    const range = "from=2026-09-10&to=2026-09-10";
    const byQuantity = await admin(`/api/v1/reports/top-products?${range}`);
    const mine = (items: { product_id: number }[]) =>
      items.filter((i) => i.product_id === cheap.id || i.product_id === dear.id);
    expect(mine(byQuantity.json.items).map((i) => i.product_id)).toEqual([cheap.id, dear.id]);
    const byNet = await admin(`/api/v1/reports/top-products?${range}&by=net`);
    expect(byNet.json.by).toBe("net");
    expect(mine(byNet.json.items)).toEqual([
      {
        product_id: dear.id,
        name: expect.any(String),
        quantity: 1,
        gross: 45,
        discounts: 5,
        net: 40,
      },
      {
        product_id: cheap.id,
        name: expect.any(String),
        quantity: 10,
        gross: 10,
        discounts: 0,
        net: 10,
      },
    ]);
    const month = await admin("/api/v1/reports/top-products?month=2026-09&by=net");
    expect(mine(month.json.items)[0]).toMatchObject({ product_id: dear.id, net: 40 });
    const bad = await admin("/api/v1/reports/top-products?by=gross");
    expect(bad.status).toBe(400);
  });

  it("lists a shop's receipts of one business day, paged", async () => {
    const [p, shop] = await Promise.all([createProduct(1), createShop()]);
    const ids = Array.from({ length: 5 }, (_, i) => `L-${i}-${receiptId()}`);
    await postBatch(
      ids.map((id) => ({ id, shop_id: shop.id, sold_at: at, lines: [{ product_id: p.id }] })),
    );
    await postBatch([
      { id: receiptId(), shop_id: shop.id, sold_at: "2026-10-15T12:00:00Z", product_id: p.id },
    ]);
    await flush();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        json: { items: { id: string }[]; next_cursor: string | null };
      } = await admin(
        `/api/v1/shops/${shop.id}/sales?day=${day}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((i) => i.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].sort());
    expect((await admin(`/api/v1/shops/999999/sales?day=${day}`)).status).toBe(404);
  });
});
