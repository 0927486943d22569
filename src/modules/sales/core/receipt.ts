// A receipt's money, in integer minor units (docs/API.md#receipts): the spread of a receipt's
// discount over its lines, what a line refund returns, and a receipt's figures. Used when a
// receipt is accepted, refunded, flushed into the rollups and read back: one arithmetic.

/**
 * A receipt line as stored: product, quantity, the unit price charged, the line's own discount,
 * its share of the receipt's discount, and the tax collected on it.
 */
export type Line = [
  productId: number,
  quantity: number,
  unitPriceMinor: number,
  discountMinor: number,
  spreadMinor: number,
  taxMinor: number,
];

/** A refunded line: its place on the receipt (1-based), product, quantity, net and tax returned. */
export type RefundLine = [
  line: number,
  productId: number,
  quantity: number,
  netMinor: number,
  taxMinor: number,
];

export const lineGross = (l: Line) => l[1] * l[2];
/** What a line's customer paid before tax: gross less the line's and its share of the receipt's discount. */
export const lineNet = (l: Line) => l[1] * l[2] - l[3] - l[4];

/**
 * The receipt's discount over its lines in proportion to each line's amount after its own
 * discount, to the minor unit: each gets the floor of its exact share, and what is left goes one
 * unit at a time to the largest remainders, ties to the earlier line. BigInt: a share's
 * numerator (discount × amount) passes 2^53 for large receipts.
 */
export function spreadDiscount(amounts: readonly number[], discountMinor: number): number[] {
  const total = amounts.reduce((a, b) => a + b, 0);
  if (discountMinor === 0 || total === 0) return amounts.map(() => 0);
  const d = BigInt(discountMinor);
  const t = BigInt(total);
  const exact = amounts.map((a) => d * BigInt(a));
  const shares = exact.map((e) => Number(e / t));
  let left = discountMinor - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, index) => ({ index, remainder: e % t }))
    .sort((a, b) =>
      a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
    );
  for (const { index } of order) {
    if (left === 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    left--;
  }
  return shares;
}

/**
 * What refunding `quantity` more units of a line returns after `already` were refunded: the
 * refunds of a whole line add up to exactly its net and tax, each part the difference of
 * floor(amount × units / line quantity) before and after.
 */
export function lineRefund(line: Line, already: number, quantity: number) {
  const [, n, , , , tax] = line;
  const part = (amount: number) =>
    Math.floor((amount * (already + quantity)) / n) - Math.floor((amount * already) / n);
  return { netMinor: part(lineNet(line)), taxMinor: part(tax) };
}

/** A receipt's sums: gross, discounts (its lines' and the spread), tax, items. */
export function receiptSums(lines: readonly Line[]) {
  let gross = 0;
  let discounts = 0;
  let tax = 0;
  let items = 0;
  for (const l of lines) {
    gross += lineGross(l);
    discounts += l[3] + l[4];
    tax += l[5];
    items += l[1];
  }
  return { gross, discounts, net: gross - discounts, tax, items };
}

/** A refund's sums: net and tax returned, items. */
export function refundSums(lines: readonly RefundLine[]) {
  let net = 0;
  let tax = 0;
  let items = 0;
  for (const l of lines) {
    net += l[3];
    tax += l[4];
    items += l[2];
  }
  return { net, tax, items };
}
