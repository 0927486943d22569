// A flush's figures, summed in the shard from its own rows: the three day rollups D1 adds to,
// and the same figures by business month as the deltas for the Rankings object.
import { type Line, lineGross, lineNet, type RefundLine } from "../core/receipt";
import type { ChunkRow, FlushDeltas } from "../core/transaction";

/**
 * Sums of a rollup row, in the order of `FIGURE_COLUMNS` (core/schema.ts): gross, refunds (net
 * refunded), items sold, items refunded, sales, discounts, tax, refunded tax.
 */
type Sums = [number, number, number, number, number, number, number, number];
/** Sums by key (the key's parts joined by `|`), each with its key's parts. */
type SumsBy = Map<string, { key: (string | number)[]; sums: Sums }>;

function addTo(into: SumsBy, key: (string | number)[], terms: Sums) {
  const id = key.join("|");
  const entry = into.get(id);
  if (!entry) into.set(id, { key, sums: [...terms] });
  else for (const [i, term] of terms.entries()) entry.sums[i] = (entry.sums[i] ?? 0) + term;
}

/** A sale's terms by product (a product on several lines counts one sale). */
function saleTerms(lines: readonly Line[]): Map<number, Sums> {
  const byProduct = new Map<number, Sums>();
  for (const l of lines) {
    const terms = byProduct.get(l[0]) ?? [0, 0, 0, 0, 1, 0, 0, 0];
    terms[0] += lineGross(l);
    terms[2] += l[1];
    terms[5] += lineGross(l) - lineNet(l);
    terms[6] += l[5];
    byProduct.set(l[0], terms);
  }
  return byProduct;
}

/** A refund's terms by product. */
function refundTerms(lines: readonly RefundLine[]): Map<number, Sums> {
  const byProduct = new Map<number, Sums>();
  for (const [, productId, quantity, net, tax] of lines) {
    const terms = byProduct.get(productId) ?? [0, 0, 0, 0, 0, 0, 0, 0];
    terms[1] += net;
    terms[3] += quantity;
    terms[7] += tax;
    byProduct.set(productId, terms);
  }
  return byProduct;
}

/**
 * One flush's figures, summed here from its rows: D1 gets each rollup as one small JSON
 * parameter, so it neither looks the flush's sales up again nor groups them (when D1 summed
 * them, a flush shipped its rows five more times and looked each sale up five times). A receipt
 * is one sale of its shop, and one sale of each product on it.
 */
export function rollupsOf(rows: readonly ChunkRow[]) {
  const shopDays: SumsBy = new Map();
  const productDays: SumsBy = new Map();
  const shopProductDays: SumsBy = new Map();
  for (const [shopId, , , day, refundOf, lines] of rows) {
    const byProduct =
      refundOf === null ? saleTerms(lines as Line[]) : refundTerms(lines as RefundLine[]);
    const shop: Sums = [0, 0, 0, 0, refundOf === null ? 1 : 0, 0, 0, 0];
    for (const [productId, terms] of byProduct) {
      addTo(productDays, [day, productId], terms);
      addTo(shopProductDays, [day, shopId, productId], terms);
      for (const i of [0, 1, 2, 3, 5, 6, 7]) shop[i] = (shop[i] ?? 0) + (terms[i] ?? 0);
    }
    addTo(shopDays, [day, shopId], shop);
  }
  return { shopDays, productDays, shopProductDays };
}

export type Rollups = ReturnType<typeof rollupsOf>;

/** A rollup's rows as D1 takes them: the key's parts, then the sums. */
export const rollupRows = (by: SumsBy) => [...by.values()].map((e) => [...e.key, ...e.sums]);

/** Net revenue of a rollup row: gross − discounts − refunds. */
const netOf = (s: Sums) => s[0] - s[5] - s[1];

/** A rollup's figures per id (its key's second part) and business month. */
function byMonth(by: SumsBy) {
  type Month = {
    id: number;
    month: string;
    net: number;
    items: number;
    gross: number;
    discounts: number;
  };
  const months = new Map<string, Month>();
  for (const { key, sums } of by.values()) {
    const [id, month] = [Number(key[1]), String(key[0]).slice(0, 7)];
    const entry = months.get(`${id}|${month}`) ?? {
      id,
      month,
      net: 0,
      items: 0,
      gross: 0,
      discounts: 0,
    };
    entry.net += netOf(sums);
    entry.items += sums[2] - sums[3];
    entry.gross += sums[0];
    entry.discounts += sums[5];
    months.set(`${id}|${month}`, entry);
  }
  return [...months.values()];
}

/** The ranking deltas of a flush: net revenue per shop; net items and revenue per product. */
export function deltasOf({ shopDays, productDays }: Rollups): FlushDeltas {
  return {
    shops: byMonth(shopDays).map(({ id, month, net }) => ({ shopId: id, month, netMinor: net })),
    products: byMonth(productDays).map(({ id, month, net, items, gross, discounts }) => ({
      productId: id,
      month,
      quantity: items,
      netMinor: net,
      grossMinor: gross,
      discountsMinor: discounts,
    })),
  };
}
