// The figures of docs/API.md#figures from sums a brute force kept in minor units, for tests that
// recompute reports from the raw transactions (in a two-digit currency).

/** Sums in minor units and items: gross, discounts, net refunded, tax, tax refunded, counts. */
export type RawSums = {
  gross: number;
  discounts: number;
  refunds: number;
  tax: number;
  rtax: number;
  sold: number;
  refunded: number;
  sales: number;
};

export const noSums = (): RawSums => ({
  gross: 0,
  discounts: 0,
  refunds: 0,
  tax: 0,
  rtax: 0,
  sold: 0,
  refunded: 0,
  sales: 0,
});

/** The figures as the API shows them, computed by the contract's words. */
export function figuresOf(s: RawSums) {
  const net = s.gross - s.discounts - s.refunds;
  return {
    gross: s.gross / 100,
    discounts: s.discounts / 100,
    refunds: s.refunds / 100,
    net: net / 100,
    tax: (s.tax - s.rtax) / 100,
    collected: (net + s.tax - s.rtax) / 100,
    items_sold: s.sold,
    items_refunded: s.refunded,
    sales: s.sales,
    average_sale: s.sales === 0 ? null : Math.round((s.gross - s.discounts) / s.sales) / 100,
    items_per_sale: s.sales === 0 ? null : Math.round((s.sold / s.sales) * 100) / 100,
  };
}
