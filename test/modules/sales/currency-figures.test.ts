import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { figuresOf, noSums } from "../../support/figures";
import { admin, call } from "../../support/http";
import { fetchWorkbook, signedInCookie } from "../../support/pages";
import { flush, postBatch } from "../../support/sales";

// Random receipts in shops of four currencies (0, 2 and 3 minor-unit digits) and random dated
// rates against two bases; the chain's figures in the reporting currency (RUB, the deployment's),
// recomputed by brute force from the raw transactions and the rates by the contract's words
// (docs/API.md#reporting-currency), equal the API's, the CSV's and the workbook's to the kopeck.

const CURRENCIES = [
  { code: "RUB", digits: 2 },
  { code: "KZT", digits: 2 },
  { code: "JPY", digits: 0 },
  { code: "KWD", digits: 3 },
] as const;
const REPORTING = "RUB";
const DAYS = 6;
const digitsOf = (code: string) => CURRENCIES.find((c) => c.code === code)?.digits ?? 2;

type Cell = { gross: number; discounts: number; refunds: number; tax: number; rtax: number };
type Counts = { sold: number; refunded: number; sales: number };
type RateSet = { date: string; rates: Record<string, number> };

// Every set stored by any run: a day before this run's rates may use an earlier run's.
const allSets: RateSet[] = [];

/** Minor units of RUB per minor unit of `code` on `day`: the latest set that has both. */
function factor(code: string, day: string): number | null {
  if (code === REPORTING) return 1;
  const set = allSets
    .filter((s) => s.date <= day && s.rates[code] !== undefined && s.rates[REPORTING] !== undefined)
    .sort((a, b) => b.date.localeCompare(a.date))[0];
  if (!set) return null;
  const cross = (set.rates[REPORTING] as number) / (set.rates[code] as number);
  return cross * 10 ** (digitsOf(REPORTING) - digitsOf(code));
}

const lineSpec = fc.record({
  quantity: fc.integer({ min: 1, max: 4 }),
  price: fc.integer({ min: 1, max: 50_000 }),
  discountShare: fc.integer({ min: 0, max: 50 }),
  taxRate: fc.integer({ min: 0, max: 20 }),
});
const receiptSpec = fc.record({
  shop: fc.nat(CURRENCIES.length - 1),
  day: fc.nat(DAYS - 1),
  lines: fc.array(lineSpec, { minLength: 1, maxLength: 3 }),
  refunded: fc.boolean(),
});
const setSpec = fc.record({
  day: fc.nat(DAYS - 1),
  base: fc.constantFrom("EUR", "USD"),
  // Units per one base; each currency present or not.
  rates: fc.record(
    {
      RUB: fc.integer({ min: 5_000, max: 15_000 }).map((n) => n / 100),
      KZT: fc.integer({ min: 30_000, max: 70_000 }).map((n) => n / 100),
      JPY: fc.integer({ min: 10_000, max: 20_000 }).map((n) => n / 100),
      KWD: fc.integer({ min: 200, max: 400 }).map((n) => n / 1000),
    },
    { requiredKeys: [] },
  ),
});

let runYear = 2001;

describe("chain figures over several currencies against a brute-force conversion", () => {
  it("agree in the API, the CSV and the workbook, to the minor unit of the reporting currency", async () => {
    const cookie = await signedInCookie("owner");
    const product = (
      await admin("/api/v1/admin/products", {
        body: { name: "FX", model: "F", price: 1, release_date: "2000-01-01" },
      })
    ).json as { id: number };
    await fc.assert(
      fc.asyncProperty(
        fc.array(receiptSpec, { minLength: 4, maxLength: 20 }),
        fc.array(setSpec, { minLength: 1, maxLength: 5 }),
        async (specs, sets) => {
          const year = runYear++;
          const dayOf = (n: number) => `${year}-04-${String(10 + n).padStart(2, "0")}`;
          const shops = await Promise.all(
            CURRENCIES.map(
              async (c) =>
                (
                  await admin("/api/v1/admin/shops", {
                    body: { name: c.code, address: "1 FX St", currency: c.code },
                  })
                ).json as { id: number; currency: string },
            ),
          );
          for (const s of sets) {
            const date = dayOf(s.day);
            const rates = Object.fromEntries(
              Object.entries(s.rates).filter(([code]) => code !== s.base),
            );
            if (Object.keys(rates).length === 0) continue;
            const res = await admin(`/api/v1/admin/fx-rates/${date}`, {
              method: "PUT",
              body: { base: s.base, rates },
            });
            expect(res.status, res.text).toBe(200);
            // A PUT replaces the date's set whole.
            const kept = allSets.findIndex((x) => x.date === date);
            if (kept >= 0) allSets.splice(kept, 1);
            allSets.push({ date, rates: { ...rates, [s.base]: 1 } });
          }
          const cells = new Map<string, Cell & Counts & { currency: string; day: string }>();
          const cellOf = (shop: number, currency: string, day: string) => {
            const key = `${shop}|${day}`;
            const cell = cells.get(key) ?? {
              ...{ gross: 0, discounts: 0, refunds: 0, tax: 0, rtax: 0 },
              ...{ sold: 0, refunded: 0, sales: 0, currency, day },
            };
            cells.set(key, cell);
            return cell;
          };
          const items: Record<string, unknown>[] = [];
          specs.forEach((spec, n) => {
            const shop = shops[spec.shop] as { id: number; currency: string };
            const digits = digitsOf(shop.currency);
            const major = (minor: number) => minor / 10 ** digits;
            const day = dayOf(spec.day);
            const cell = cellOf(shop.id, shop.currency, day);
            cell.sales++;
            const lines = spec.lines.map((l) => {
              const discount = Math.floor((l.quantity * l.price * l.discountShare) / 100);
              const tax = Math.floor(((l.quantity * l.price - discount) * l.taxRate) / 100);
              cell.gross += l.quantity * l.price;
              cell.discounts += discount;
              cell.tax += tax;
              cell.sold += l.quantity;
              if (spec.refunded) {
                cell.refunds += l.quantity * l.price - discount;
                cell.rtax += tax;
                cell.refunded += l.quantity;
              }
              return {
                product_id: product.id,
                quantity: l.quantity,
                unit_price: major(l.price),
                ...(discount > 0 && { discount: major(discount) }),
                ...(tax > 0 && { tax: major(tax) }),
              };
            });
            items.push({ id: `FX${n}`, shop_id: shop.id, sold_at: `${day}T09:00:00Z`, lines });
            if (spec.refunded)
              items.push({
                type: "refund",
                id: `FX${n}-r`,
                shop_id: shop.id,
                sale_id: `FX${n}`,
                refunded_at: `${day}T10:00:00Z`,
              });
          });
          const stored = await postBatch(items);
          expect(stored.rejected).toEqual([]);
          await flush();

          // The brute force: each shop's day converted at its day's factor, rounded half up.
          const chain = noSums();
          const apart = new Map<string, number>();
          for (const c of cells.values()) {
            const f = factor(c.currency, c.day);
            if (f === null) {
              apart.set(c.currency, (apart.get(c.currency) ?? 0) + c.gross);
              continue;
            }
            for (const k of ["gross", "discounts", "refunds", "tax", "rtax"] as const)
              chain[k] += Math.round(c[k] * f);
            chain.sold += c.sold;
            chain.refunded += c.refunded;
            chain.sales += c.sales;
          }
          const expected = figuresOf(chain);
          const from = dayOf(0);
          const to = dayOf(DAYS - 1);
          const report = (await admin(`/api/v1/reports/sales?from=${from}&to=${to}&interval=day`))
            .json;
          expect(report.currency).toBe(REPORTING);
          expect(report.totals).toEqual(expected);
          expect(
            Object.fromEntries(
              Object.entries(report.unconverted as Record<string, { gross: number }>).map(
                ([c, f]) => [c, f.gross],
              ),
            ),
          ).toEqual(Object.fromEntries([...apart].map(([c, g]) => [c, g / 10 ** digitsOf(c)])));
          // The series adds up to the totals (each day's rows are converted on their own).
          const summed = report.series.reduce(
            (a: number, d: { gross: number }) => a + Math.round(d.gross * 100),
            0,
          );
          expect(summed).toBe(chain.gross);

          const search = `from=${from}&to=${to}&interval=day`;
          const csv = await call(`/dashboard/export.csv?${search}`, { headers: { cookie } });
          expect(csv.status).toBe(200);
          const [head, ...rows] = csv.text
            .trim()
            .split("\r\n")
            .map((l) => l.split(","));
          const total = rows.find((r) => r[0] === "total") ?? [];
          const column = (name: string) => total[(head ?? []).indexOf(name)];
          expect(column("currency")).toBe(REPORTING);
          for (const [name, value] of Object.entries(expected))
            expect(column(name), `csv ${name}`).toBe(value === null ? "" : String(value));
          const book = await fetchWorkbook(`/dashboard/export.xlsx?${search}`, cookie);
          const sheet = book.getWorksheet("Series");
          const totalRow = sheet
            ?.getRows(2, sheet.rowCount)
            ?.find((row) => String(row.getCell(1).value).startsWith("total"));
          const cell = (n: number) => {
            const v = totalRow?.getCell(n).value;
            return typeof v === "object" && v !== null && "result" in v ? v.result : v;
          };
          expect([2, 3, 4, 5, 6, 7].map(cell)).toEqual([
            expected.gross,
            expected.discounts,
            expected.refunds,
            expected.net,
            expected.tax,
            expected.collected,
          ]);
        },
      ),
      { numRuns: 5, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261208) },
    );
  });
});
