// A till's own arithmetic of a receipt (docs/API.md#receipts), in integer minor units: what a
// point-of-sale terminal prints, and what the simulator and the load tests check the server's
// figures against. Written from the contract's words, apart from the server's code.

/** The receipt's discount spread over amounts: floors of exact shares, the rest to the largest remainders, ties to the earlier line. */
export function spread(amounts, discount) {
  const total = amounts.reduce((a, b) => a + b, 0);
  if (total === 0 || discount === 0) return amounts.map(() => 0);
  const exact = amounts.map((a, i) => ({ i, n: BigInt(discount) * BigInt(a) }));
  const shares = exact.map((e) => Number(e.n / BigInt(total)));
  let left = discount - shares.reduce((a, b) => a + b, 0);
  const order = [...exact].sort((x, y) => {
    const rx = x.n % BigInt(total);
    const ry = y.n % BigInt(total);
    return rx === ry ? x.i - y.i : rx > ry ? -1 : 1;
  });
  for (const { i } of order) {
    if (left-- <= 0) break;
    shares[i] += 1;
  }
  return shares;
}

/**
 * A receipt as a till keeps it: lines `{product, quantity, unit, discount, tax}` in minor units
 * and the receipt's discount; each line gets its net (after its share of the discount).
 */
export function ring(lines, discount) {
  const amounts = lines.map((l) => l.quantity * l.unit - l.discount);
  const shares = spread(amounts, discount);
  return lines.map((l, i) => ({ ...l, net: (amounts[i] ?? 0) - (shares[i] ?? 0), refunded: 0 }));
}

/** Refunds `quantity` more units of a rung line: the net and tax it returns (floor rule). */
export function refundLine(line, quantity) {
  const part = (amount) =>
    Math.floor((amount * (line.refunded + quantity)) / line.quantity) -
    Math.floor((amount * line.refunded) / line.quantity);
  const back = { net: part(line.net), tax: part(line.tax) };
  line.refunded += quantity;
  return back;
}

/** Minor units → the API's number, with the currency's digits (2 unless named). */
export const major = (minor, digits = 2) => minor / 10 ** digits;

/** The demo chain's currencies: minor-unit digits, and roughly how many make one rouble. */
export const DEMO_CURRENCIES = {
  RUB: { digits: 2, perRub: 1, zone: "Europe/Moscow" },
  KZT: { digits: 2, perRub: 5.5, zone: "Asia/Almaty" },
  RSD: { digits: 2, perRub: 1.2, zone: "Europe/Belgrade" },
  JPY: { digits: 0, perRub: 1.6, zone: "Asia/Tokyo" },
};

/** A rouble price in another demo currency, in its minor units. */
export const priceIn = (rubMinor, code) => {
  const c = DEMO_CURRENCIES[code];
  return Math.round((rubMinor / 100) * c.perRub * 10 ** c.digits);
};

/** A product's `prices` for the demo currencies other than RUB (the API's numbers). */
export const demoPrices = (rubMinor) =>
  Object.fromEntries(
    Object.entries(DEMO_CURRENCIES)
      .filter(([code]) => code !== "RUB")
      .map(([code, c]) => [code, major(priceIn(rubMinor, code), c.digits)]),
  );
