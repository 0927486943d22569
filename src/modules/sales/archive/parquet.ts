// The archive's file layout (docs/ARCHIVE.md#the-files): one Parquet file a part of a month's
// receipts or refunds, sorted by shop and id, Snappy, one row group. Money is INT64 minor units
// of `currency` (its exponent beside it), times are UTC milliseconds, lines are JSON.
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import type { Currency } from "../../../lib/money";
import type { Line, RefundLine } from "../core/receipt";
import { receiptSums, refundSums } from "../core/receipt";
import type { StoredRefund, StoredSale, StoredTransaction } from "../core/transaction";

export type ArchiveKind = "sales" | "refunds";
/** The currency of each shop's money (a shop's is fixed once it has transactions). */
export type CurrencyOfShop = (shopId: number) => Currency;

/** One archived transaction's per-shop sums, as checked against D1. */
export type ShopSums = { rows: number; net: number; quantity: number };

/** What a file holds, by shop: the check of a written file against the rows it came from. */
export function sumsByShop(rows: readonly StoredTransaction[]): Map<number, ShopSums> {
  const byShop = new Map<number, ShopSums>();
  for (const t of rows) {
    const s = byShop.get(t.shopId) ?? { rows: 0, net: 0, quantity: 0 };
    const { net, items } =
      t.refundOf === null ? receiptSums(t.lines) : refundSums(t.lines as RefundLine[]);
    s.rows++;
    s.net += net;
    s.quantity += items;
    byShop.set(t.shopId, s);
  }
  return byShop;
}

// One helper a Parquet type: every column is required (`nullable: false`).
const column = (name: string, data: ColumnSource["data"], type: ColumnSource["type"]) => ({
  name,
  data,
  type,
  nullable: false,
});
const int32 = (name: string, values: number[]) => column(name, Int32Array.from(values), "INT32");
const int64 = (name: string, values: number[]) =>
  column(
    name,
    BigInt64Array.from(values, (v) => BigInt(v)),
    "INT64",
  );
const strings = (name: string, values: string[]) => column(name, values, "STRING");
const times = (name: string, values: number[]) =>
  column(
    name,
    values.map((v) => new Date(v)),
    "TIMESTAMP",
  );

/** The business day and the money's currency, in both kinds of part. */
const dayAndCurrency = (rows: readonly StoredTransaction[], currency: CurrencyOfShop) => [
  strings(
    "business_day",
    rows.map((r) => r.businessDay),
  ),
  strings(
    "currency",
    rows.map((r) => currency(r.shopId).code),
  ),
  int32(
    "currency_exponent",
    rows.map((r) => currency(r.shopId).exponent),
  ),
];

function saleColumns(rows: readonly StoredSale[], currency: CurrencyOfShop): ColumnSource[] {
  const sums = rows.map((r) => receiptSums(r.lines));
  return [
    int32(
      "shop_id",
      rows.map((r) => r.shopId),
    ),
    strings(
      "sale_id",
      rows.map((r) => r.saleId),
    ),
    times(
      "sold_at",
      rows.map((r) => r.soldAt),
    ),
    ...dayAndCurrency(rows, currency),
    int64(
      "gross_minor",
      sums.map((s) => s.gross),
    ),
    int64(
      "discounts_minor",
      sums.map((s) => s.discounts),
    ),
    int64(
      "receipt_discount_minor",
      rows.map((r) => r.discountMinor),
    ),
    int64(
      "net_minor",
      sums.map((s) => s.net),
    ),
    int64(
      "tax_minor",
      sums.map((s) => s.tax),
    ),
    int32(
      "items",
      sums.map((s) => s.items),
    ),
    column(
      "lines",
      rows.map((r) => r.lines.map(lineObject)),
      "JSON",
    ),
  ];
}

function refundColumns(rows: readonly StoredRefund[], currency: CurrencyOfShop): ColumnSource[] {
  const sums = rows.map((r) => refundSums(r.lines));
  return [
    int32(
      "shop_id",
      rows.map((r) => r.shopId),
    ),
    strings(
      "refund_id",
      rows.map((r) => r.saleId),
    ),
    strings(
      "sale_id",
      rows.map((r) => r.refundOf),
    ),
    times(
      "refunded_at",
      rows.map((r) => r.soldAt),
    ),
    ...dayAndCurrency(rows, currency),
    int64(
      "net_minor",
      sums.map((s) => s.net),
    ),
    int64(
      "tax_minor",
      sums.map((s) => s.tax),
    ),
    int32(
      "items",
      sums.map((s) => s.items),
    ),
    column(
      "lines",
      rows.map((r) => r.lines.map(refundLineObject)),
      "JSON",
    ),
  ];
}

export const lineObject = (l: Line) => ({
  product_id: l[0],
  quantity: l[1],
  unit_price_minor: l[2],
  discount_minor: l[3],
  receipt_discount_minor: l[4],
  tax_minor: l[5],
});
export const refundLineObject = (l: RefundLine) => ({
  line: l[0],
  product_id: l[1],
  quantity: l[2],
  net_minor: l[3],
  tax_minor: l[4],
});

/** A part file's bytes: the rows in the order given (the caller's key order), one row group. */
export function encodePart(
  kind: ArchiveKind,
  rows: readonly StoredTransaction[],
  currency: CurrencyOfShop,
): Uint8Array {
  const columnData =
    kind === "sales"
      ? saleColumns(rows as StoredSale[], currency)
      : refundColumns(rows as StoredRefund[], currency);
  // The id columns carry a page index, so one receipt is found without decoding the whole part.
  for (const c of columnData)
    if (c.name === "shop_id" || c.name.endsWith("_id")) c.columnIndex = true;
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      codec: "SNAPPY",
      rowGroupSize: rows.length || 1,
      pageSize: 64 * 1024,
      createdBy: "retail-edge archive",
      kvMetadata: [{ key: "retail_edge.kind", value: kind }],
    }),
  );
}
