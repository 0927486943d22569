// A flush's figures, summed in the shard from its own rows: the three day rollups D1 adds to,
// and the same figures by business month as the deltas for the Rankings object.
import type { ChunkRow, FlushDeltas } from "../core/transaction";

/** Sums of a rollup row: gross, refunds (minor units), items sold, items refunded, sales. */
type Sums = [number, number, number, number, number];
/** Sums by key (the key's parts joined by `|`), each with its key's parts. */
type SumsBy = Map<string, { key: (string | number)[]; sums: Sums }>;

function addTo(into: SumsBy, key: (string | number)[], terms: Sums) {
  const id = key.join("|");
  const entry = into.get(id);
  if (!entry) into.set(id, { key, sums: [...terms] });
  else for (const [i, term] of terms.entries()) entry.sums[i] = (entry.sums[i] ?? 0) + term;
}

/**
 * One flush's figures, summed here from its rows: D1 gets each rollup as one small JSON
 * parameter, so it neither looks the flush's sales up again nor groups them (when D1 summed
 * them, a flush shipped its rows five more times and looked each sale up five times).
 */
export function rollupsOf(rows: readonly ChunkRow[]) {
  const shopDays: SumsBy = new Map();
  const productDays: SumsBy = new Map();
  const shopProductDays: SumsBy = new Map();
  for (const [shopId, , productId, quantity, unitPriceMinor, , day, refundOf] of rows) {
    const amount = quantity * unitPriceMinor;
    const terms: Sums =
      refundOf === null ? [amount, 0, quantity, 0, 1] : [0, amount, 0, quantity, 0];
    addTo(shopDays, [day, shopId], terms);
    addTo(productDays, [day, productId], terms);
    addTo(shopProductDays, [day, shopId, productId], terms);
  }
  return { shopDays, productDays, shopProductDays };
}

export type Rollups = ReturnType<typeof rollupsOf>;

/** A rollup's rows as D1 takes them: the key's parts, then the sums. */
export const rollupRows = (by: SumsBy) => [...by.values()].map((e) => [...e.key, ...e.sums]);

/** A rollup's net figure per id (its key's second part) and business month. */
function netByMonth(by: SumsBy, net: (sums: Sums) => number) {
  const months = new Map<string, { id: number; month: string; net: number }>();
  for (const { key, sums } of by.values()) {
    const [id, month] = [Number(key[1]), String(key[0]).slice(0, 7)];
    const entry = months.get(`${id}|${month}`) ?? { id, month, net: 0 };
    entry.net += net(sums);
    months.set(`${id}|${month}`, entry);
  }
  return [...months.values()];
}

/** The ranking deltas of a flush: net revenue per shop and net items per product, by month. */
export function deltasOf({ shopDays, productDays }: Rollups): FlushDeltas {
  return {
    shops: netByMonth(shopDays, (s) => s[0] - s[1]).map(({ id, month, net }) => ({
      shopId: id,
      month,
      netMinor: net,
    })),
    products: netByMonth(productDays, (s) => s[2] - s[3]).map(({ id, month, net }) => ({
      productId: id,
      month,
      quantity: net,
    })),
  };
}
