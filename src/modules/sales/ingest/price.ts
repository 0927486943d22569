// A receipt priced as it is accepted (docs/API.md#receipts): each line's unit price (the catalog's
// when not sent), its discount within its amount, the receipt's discount spread over the lines,
// and the checksum `total`. Money is in minor units; nothing here reads D1.
import { DomainError, type FieldError } from "../../../lib/errors";
import { toMajor } from "../../../lib/money";
import type { CatalogSnapshot } from "../../catalog";
import { type Line, receiptSums, spreadDiscount } from "../core/receipt";
import type { SaleInput } from "./dto";

export type PricedReceipt = { lines: Line[]; pricesSent: boolean[]; discountMinor: number };

/** The receipt's lines as sent: the one-line form is one line at the catalog price. */
function linesOf(input: SaleInput) {
  if (input.lines) return { lines: input.lines, path: (i: number) => `lines[${i}]` };
  const line = { product_id: input.product_id ?? 0, quantity: input.quantity ?? 1 };
  return { lines: [line], path: () => "" };
}

const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** The receipt priced, or the 404 (unknown products) or 400 (amounts) that refuses it. */
export function priceReceipt(
  input: SaleInput,
  catalog: CatalogSnapshot,
): PricedReceipt | DomainError {
  const { lines, path } = linesOf(input);
  const missing: FieldError[] = [];
  const invalid: FieldError[] = [];
  const priced: Line[] = lines.map((l, i) => {
    const product = catalog.products.get(l.product_id);
    if (!product) {
      missing.push({ path: at(path(i), "product_id"), message: `unknown product ${l.product_id}` });
      return [l.product_id, l.quantity, 0, 0, 0, 0];
    }
    const unit =
      "unit_price" in l && l.unit_price !== undefined ? l.unit_price : product.priceMinor;
    const discount = ("discount" in l && l.discount) || 0;
    if (discount > l.quantity * unit) {
      invalid.push({
        path: at(path(i), "discount"),
        message: `at most quantity × unit_price (${toMajor(l.quantity * unit)})`,
      });
    }
    return [l.product_id, l.quantity, unit, discount, 0, ("tax" in l && l.tax) || 0];
  });
  if (missing.length > 0)
    return new DomainError("not_found", missing.map((e) => e.message).join("; "), missing);
  const amounts = priced.map((l) => Math.max(0, l[1] * l[2] - l[3]));
  const discountMinor = input.discount ?? 0;
  const amount = amounts.reduce((a, b) => a + b, 0);
  if (discountMinor > amount) {
    invalid.push({
      path: "discount",
      message: `at most the lines' amount after their discounts (${toMajor(amount)})`,
    });
  }
  if (invalid.length > 0) return invalidOf(invalid);
  const shares = spreadDiscount(amounts, discountMinor);
  for (const [i, l] of priced.entries()) l[4] = shares[i] ?? 0;
  if (input.total !== undefined) {
    const sums = receiptSums(priced);
    const expected = sums.net + sums.tax;
    if (expected !== input.total) {
      return invalidOf([
        {
          path: "total",
          message: `the lines add up to ${toMajor(expected)}, not the ${toMajor(input.total)} sent`,
        },
      ]);
    }
  }
  const pricesSent = lines.map((l) => "unit_price" in l && l.unit_price !== undefined);
  return { lines: priced, pricesSent, discountMinor };
}

const invalidOf = (errors: FieldError[]) =>
  new DomainError("invalid", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
