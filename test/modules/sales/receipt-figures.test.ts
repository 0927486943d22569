import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteBusinessDay } from "../../support/business-days";
import { figuresOf, noSums } from "../../support/figures";
import { admin, call } from "../../support/http";
import { fetchWorkbook, signedInCookie } from "../../support/pages";
import { createProduct, flush, postBatch } from "../../support/sales";

// Random receipts with line and receipt discounts, tax and partial line refunds over several
// shops and business days; every figure recomputed by brute force from the raw transactions, in
// minor units, equals the API's, the CSV's and the workbook's (docs/API.md#figures). The brute
// force shares no code with src/: it spreads and refunds by the contract's words.

type Line = { product: number; quantity: number; unit: number; discount: number; tax: number };
type RawReceipt = { id: string; shop: number; day: string; lines: Line[]; spread: number[] };
type RawRefund = {
  receipt: RawReceipt;
  day: string;
  lines: { line: number; quantity: number; net: number; tax: number }[];
};

/** The receipt discount over the lines: floors of exact shares, then largest remainders, ties earlier. */
function spread(amounts: number[], discount: number): number[] {
  const total = amounts.reduce((a, b) => a + b, 0);
  if (total === 0 || discount === 0) return amounts.map(() => 0);
  const exact = amounts.map((a, i) => ({ i, n: BigInt(discount) * BigInt(a) }));
  const shares = exact.map((e) => Number(e.n / BigInt(total)));
  const left = discount - shares.reduce((a, b) => a + b, 0);
  const byRemainder = [...exact].sort((x, y) => {
    const rx = x.n % BigInt(total);
    const ry = y.n % BigInt(total);
    return rx === ry ? x.i - y.i : rx > ry ? -1 : 1;
  });
  for (const { i } of byRemainder.slice(0, left)) shares[i] = (shares[i] ?? 0) + 1;
  return shares;
}

function brute(
  receipts: RawReceipt[],
  refunds: RawRefund[],
  keep: (day: string, shop: number, product: number | null) => boolean,
) {
  const s = noSums();
  for (const r of receipts) {
    let counted = false;
    r.lines.forEach((l, i) => {
      if (!keep(r.day, r.shop, l.product)) return;
      s.gross += l.quantity * l.unit;
      s.discounts += l.discount + (r.spread[i] ?? 0);
      s.tax += l.tax;
      s.sold += l.quantity;
      counted = true;
    });
    if (counted && keep(r.day, r.shop, null)) s.sales++;
  }
  for (const f of refunds) {
    for (const l of f.lines) {
      const product = f.receipt.lines[l.line - 1]?.product ?? 0;
      if (!keep(f.day, f.receipt.shop, product)) continue;
      s.refunds += l.net;
      s.rtax += l.tax;
      s.refunded += l.quantity;
    }
  }
  return figuresOf(s);
}

const SHOPS = [
  { zone: "UTC", start: "00:00" },
  { zone: "Asia/Vladivostok", start: "04:00" },
  { zone: "America/New_York", start: "00:00" },
];
const money = (minor: number) => minor / 100;
let runYear = 2009;

const lineSpec = fc.record({
  product: fc.nat(3),
  quantity: fc.integer({ min: 1, max: 5 }),
  price: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
  discountShare: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  taxRate: fc.integer({ min: 0, max: 25 }),
});
const receiptSpec = fc.record({
  shop: fc.nat(2),
  dayOffset: fc.integer({ min: 0, max: 4 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  lines: fc.array(lineSpec, { minLength: 1, maxLength: 4 }),
  discountShare: fc.integer({ min: 0, max: 30 }),
  refunds: fc.array(
    fc.record({
      afterHours: fc.integer({ min: 1, max: 60 }),
      whole: fc.boolean(),
      take: fc.array(fc.record({ line: fc.nat(3), quantity: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
    }),
    { maxLength: 2 },
  ),
});

describe("receipt figures against a brute-force recomputation", () => {
  it("agree in the API, the CSV and the workbook, to the minor unit", async () => {
    const products = await Promise.all([
      createProduct(3.5),
      createProduct(19.99),
      createProduct(120),
      createProduct(0.7),
    ]);
    const cookie = await signedInCookie("owner");
    await fc.assert(
      fc.asyncProperty(fc.array(receiptSpec, { minLength: 5, maxLength: 25 }), async (specs) => {
        const year = runYear++;
        const shops = await Promise.all(
          SHOPS.map(
            async (s) =>
              (
                await admin("/api/v1/admin/shops", {
                  body: {
                    name: s.zone,
                    address: "1 Test St",
                    time_zone: s.zone,
                    day_starts_at: s.start,
                  },
                })
              ).json,
          ),
        );
        const receipts: RawReceipt[] = [];
        const refunds: RawRefund[] = [];
        const items: Record<string, unknown>[] = [];
        specs.forEach((spec, n) => {
          const shop = shops[spec.shop] as { id: number; time_zone: string; day_starts_at: string };
          const startMin = Number(shop.day_starts_at.slice(0, 2)) * 60;
          const at = Date.UTC(year, 2, 10 + spec.dayOffset) + spec.minute * 60_000;
          const lines: Line[] = spec.lines.map((l) => {
            const product = products[l.product] as { id: number; price: number };
            const unit = l.price ?? Math.round(product.price * 100);
            const discount = Math.floor((l.quantity * unit * (l.discountShare ?? 0)) / 100);
            const tax = Math.floor(((l.quantity * unit - discount) * l.taxRate) / 100);
            return { product: product.id, quantity: l.quantity, unit, discount, tax };
          });
          const amounts = lines.map((l) => l.quantity * l.unit - l.discount);
          const discount = Math.floor(
            (amounts.reduce((a, b) => a + b, 0) * spec.discountShare) / 100,
          );
          const receipt: RawReceipt = {
            id: `PR${n}`,
            shop: shop.id,
            day: bruteBusinessDay(at, shop.time_zone, startMin),
            lines,
            spread: spread(amounts, discount),
          };
          receipts.push(receipt);
          items.push({
            id: receipt.id,
            shop_id: shop.id,
            sold_at: new Date(at).toISOString(),
            lines: lines.map((l, i) => ({
              product_id: l.product,
              quantity: l.quantity,
              ...(spec.lines[i]?.price !== undefined && { unit_price: money(l.unit) }),
              ...(l.discount > 0 && { discount: money(l.discount) }),
              ...(l.tax > 0 && { tax: money(l.tax) }),
            })),
            ...(discount > 0 && { discount: money(discount) }),
            total: money(
              amounts.reduce((a, b) => a + b, 0) - discount + lines.reduce((a, l) => a + l.tax, 0),
            ),
          });
          const done = lines.map(() => 0);
          spec.refunds.forEach((r, k) => {
            const asked = r.whole
              ? lines
                  .map((l, i) => ({ line: i + 1, quantity: l.quantity - (done[i] ?? 0) }))
                  .filter((a) => a.quantity > 0)
              : [...new Map(r.take.map((t) => [t.line % lines.length, t])).values()]
                  .map((t) => ({
                    line: (t.line % lines.length) + 1,
                    quantity: Math.min(
                      t.quantity,
                      (lines[t.line % lines.length]?.quantity ?? 0) -
                        (done[t.line % lines.length] ?? 0),
                    ),
                  }))
                  .filter((a) => a.quantity > 0);
            if (asked.length === 0) return;
            const rAt = at + r.afterHours * 3_600_000;
            const taken = asked.map((a) => {
              const l = lines[a.line - 1] as Line;
              const amount = l.quantity * l.unit - l.discount - (receipt.spread[a.line - 1] ?? 0);
              const before = done[a.line - 1] ?? 0;
              const part = (x: number) =>
                Math.floor((x * (before + a.quantity)) / l.quantity) -
                Math.floor((x * before) / l.quantity);
              done[a.line - 1] = before + a.quantity;
              return { line: a.line, quantity: a.quantity, net: part(amount), tax: part(l.tax) };
            });
            refunds.push({
              receipt,
              day: bruteBusinessDay(rAt, shop.time_zone, startMin),
              lines: taken,
            });
            items.push({
              type: "refund",
              id: `PF${n}-${k}`,
              shop_id: shop.id,
              sale_id: receipt.id,
              refunded_at: new Date(rAt).toISOString(),
              ...(r.whole ? {} : { lines: asked }),
            });
          });
        });
        const stored = await postBatch(items);
        expect(stored.rejected).toEqual([]);
        await flush();
        const from = `${year}-03-08`;
        const to = `${year}-03-20`;
        const inRange = (d: string) => d >= from && d <= to;
        const shopIds = new Set(shops.map((s) => s.id as number));
        for (const shop of shops) {
          const r = (
            await admin(
              `/api/v1/reports/sales?from=${from}&to=${to}&interval=day&shop_id=${shop.id}`,
            )
          ).json;
          for (const { period, ...figures } of r.series) {
            expect(figures, `${shop.time_zone} ${period}`).toEqual(
              brute(receipts, refunds, (d, s) => d === period && s === shop.id),
            );
          }
        }
        const chain = brute(receipts, refunds, (d, s) => inRange(d) && shopIds.has(s));
        const all = (await admin(`/api/v1/reports/sales?from=${from}&to=${to}&interval=week`)).json;
        expect(all.totals).toEqual(chain);
        for (const product of products) {
          const p = (
            await admin(`/api/v1/reports/sales?from=${from}&to=${to}&product_id=${product.id}`)
          ).json;
          expect(p.totals, `product ${product.id}`).toEqual(
            brute(
              receipts,
              refunds,
              (d, s, pid) => inRange(d) && shopIds.has(s) && (pid === null || pid === product.id),
            ),
          );
        }
        // The dashboard's exports of the same range: the total row, in the CSV and the workbook.
        const search = `from=${from}&to=${to}&interval=day`;
        const csv = await call(`/dashboard/export.csv?${search}`, { headers: { cookie } });
        expect(csv.status).toBe(200);
        const [head, ...rows] = csv.text
          .trim()
          .split("\r\n")
          .map((l) => l.split(","));
        const total = rows.find((r) => r[0] === "total") ?? [];
        const column = (name: string) => total[(head ?? []).indexOf(name)];
        for (const [name, value] of Object.entries(chain))
          expect(column(name), `csv ${name}`).toBe(value === null ? "" : String(value));
        const xlsx = await fetchWorkbook(`/dashboard/export.xlsx?${search}`, cookie);
        const sheet = xlsx.getWorksheet("Series");
        const totalRow = sheet
          ?.getRows(2, sheet.rowCount)
          ?.find((row) => String(row.getCell(1).value).startsWith("total"));
        expect(totalRow).toBeDefined();
        const cell = (n: number) => {
          const v = totalRow?.getCell(n).value;
          return typeof v === "object" && v !== null && "result" in v ? v.result : v;
        };
        expect([
          cell(2),
          cell(3),
          cell(4),
          cell(5),
          cell(6),
          cell(7),
          cell(8),
          cell(9),
          cell(10),
        ]).toEqual([
          chain.gross,
          chain.discounts,
          chain.refunds,
          chain.net,
          chain.tax,
          chain.collected,
          chain.items_sold,
          chain.items_refunded,
          chain.sales,
        ]);
      }),
      // A fixed seed unless FUZZ_SEED names one; no shrinking: each run takes a fresh year.
      { numRuns: 6, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261207) },
    );
  });
});
