// A receipt priced as it is accepted (docs/API.md#receipts): each line's unit price (the catalog's
// in the shop's currency when not sent), its discount within its amount, the receipt's discount
// spread over the lines, and the checksum `total`. Amounts arrive as sent and leave in the shop
// currency's minor units (docs/API.md#currencies); nothing here reads D1.
import { DomainError, type FieldError } from "../../../lib/errors";
import {
  type Currency,
  decimalsMessage,
  MAX_SUM_MINOR,
  toMajor,
  toMinor,
} from "../../../lib/money";
import { type CatalogSnapshot, MAX_PRICE_MINOR, type Product } from "../../catalog";
import { type Line, receiptSums, spreadDiscount } from "../core/receipt";
import { MAX_LINE_MINOR, type SaleInput } from "./dto";

export type PricedReceipt = { lines: Line[]; pricesSent: boolean[]; discountMinor: number };

/** The receipt's lines as sent: the one-line form is one line at the catalog price. */
function linesOf(input: SaleInput) {
  if (input.lines) return { lines: input.lines, path: (i: number) => `lines[${i}]` };
  const line = { product_id: input.product_id ?? 0, quantity: input.quantity ?? 1 };
  return { lines: [line], path: () => "" };
}

const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** Where a shop's receipts are priced: its currency, and the deployment's (the catalog's `price`). */
export type PriceContext = {
  catalog: CatalogSnapshot;
  currency: Currency;
  defaultCurrency: string;
};

/** A product's catalog price in a currency: `price` in the deployment's, `prices` in others. */
const catalogPrice = (product: Product, { currency, defaultCurrency }: PriceContext) =>
  currency.code === defaultCurrency ? product.priceMinor : product.prices[currency.code];

/** The receipt priced, or the 404 (unknown products) or 400 (amounts) that refuses it. */
export function priceReceipt(input: SaleInput, on: PriceContext): PricedReceipt | DomainError {
  const { currency } = on;
  const { lines, path } = linesOf(input);
  const missing: FieldError[] = [];
  const invalid: FieldError[] = [];
  const major = (minor: number) => toMajor(minor, currency.exponent);
  /** An amount as sent → minor units of the shop's currency (0 with an error when it cannot be). */
  const minorOf = (value: number | undefined, where: string, max: number) => {
    if (value === undefined) return 0;
    const minor = toMinor(value, currency.exponent);
    if (minor === null) invalid.push({ path: where, message: decimalsMessage(currency) });
    else if (minor > max)
      invalid.push({ path: where, message: `at most ${major(max)} ${currency.code}` });
    return minor === null || minor > max ? 0 : minor;
  };
  const priced: Line[] = lines.map((l, i) => {
    const product = on.catalog.products.get(l.product_id);
    if (!product) {
      missing.push({ path: at(path(i), "product_id"), message: `unknown product ${l.product_id}` });
      return [l.product_id, l.quantity, 0, 0, 0, 0];
    }
    const sent = "unit_price" in l ? l.unit_price : undefined;
    let unit = minorOf(sent, at(path(i), "unit_price"), MAX_PRICE_MINOR);
    if (sent === undefined) {
      const price = catalogPrice(product, on);
      if (price === undefined)
        invalid.push({
          path: at(path(i), "unit_price"),
          message: `required: product ${product.id} has no catalog price in ${currency.code}, the shop's currency`,
        });
      unit = price ?? 0;
    }
    const discount = minorOf(
      "discount" in l ? l.discount : undefined,
      at(path(i), "discount"),
      MAX_LINE_MINOR,
    );
    if (discount > l.quantity * unit) {
      invalid.push({
        path: at(path(i), "discount"),
        message: `at most quantity × unit_price (${major(l.quantity * unit)})`,
      });
    }
    const tax = minorOf("tax" in l ? l.tax : undefined, at(path(i), "tax"), MAX_LINE_MINOR);
    return [l.product_id, l.quantity, unit, discount, 0, tax];
  });
  if (missing.length > 0)
    return new DomainError("not_found", missing.map((e) => e.message).join("; "), missing);
  const amounts = priced.map((l) => Math.max(0, l[1] * l[2] - l[3]));
  const amount = amounts.reduce((a, b) => a + b, 0);
  const discountMinor = minorOf(input.discount, "discount", MAX_SUM_MINOR);
  if (discountMinor > amount) {
    invalid.push({
      path: "discount",
      message: `at most the lines' amount after their discounts (${major(amount)})`,
    });
  }
  if (invalid.length > 0) return invalidOf(invalid);
  const shares = spreadDiscount(amounts, discountMinor);
  for (const [i, l] of priced.entries()) l[4] = shares[i] ?? 0;
  if (input.total !== undefined) {
    const sums = receiptSums(priced);
    const expected = sums.net + sums.tax;
    const total = toMinor(input.total, currency.exponent);
    if (expected !== total) {
      return invalidOf([
        {
          path: "total",
          message: `the lines add up to ${major(expected)}, not the ${input.total} sent`,
        },
      ]);
    }
  }
  const pricesSent = lines.map((l) => "unit_price" in l && l.unit_price !== undefined);
  return { lines: priced, pricesSent, discountMinor };
}

const invalidOf = (errors: FieldError[]) =>
  new DomainError("invalid", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
