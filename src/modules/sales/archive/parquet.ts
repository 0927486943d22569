// The archive's file layout (docs/ARCHIVE.md#the-files): one Parquet file a part of a month's
// receipts or refunds, sorted by shop and id, Snappy, one row group. Money is INT64 minor units
// of `currency` (its exponent beside it), times are UTC milliseconds, lines are JSON.
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import type { Line, RefundLine } from "../core/receipt";
import { receiptSums, refundSums } from "../core/receipt";
import type { StoredRefund, StoredSale, StoredTransaction } from "../core/transaction";

export type ArchiveKind = "sales" | "refunds";
export type Currency = { code: string; exponent: number };

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

const int64 = (values: number[]) => BigInt64Array.from(values, (v) => BigInt(v));
const column = (name: string, data: ColumnSource["data"], type: ColumnSource["type"]) => ({
  name,
  data,
  type,
  nullable: false,
});

function saleColumns(rows: readonly StoredSale[], currency: Currency): ColumnSource[] {
  const sums = rows.map((r) => receiptSums(r.lines));
  return [
    column(
      "shop_id",
      Int32Array.from(rows, (r) => r.shopId),
      "INT32",
    ),
    column(
      "sale_id",
      rows.map((r) => r.saleId),
      "STRING",
    ),
    column(
      "sold_at",
      rows.map((r) => new Date(r.soldAt)),
      "TIMESTAMP",
    ),
    column(
      "business_day",
      rows.map((r) => r.businessDay),
      "STRING",
    ),
    column(
      "currency",
      rows.map(() => currency.code),
      "STRING",
    ),
    column(
      "currency_exponent",
      Int32Array.from(rows, () => currency.exponent),
      "INT32",
    ),
    column("gross_minor", int64(sums.map((s) => s.gross)), "INT64"),
    column("discounts_minor", int64(sums.map((s) => s.discounts)), "INT64"),
    column("receipt_discount_minor", int64(rows.map((r) => r.discountMinor)), "INT64"),
    column("net_minor", int64(sums.map((s) => s.net)), "INT64"),
    column("tax_minor", int64(sums.map((s) => s.tax)), "INT64"),
    column(
      "items",
      Int32Array.from(sums, (s) => s.items),
      "INT32",
    ),
    column(
      "lines",
      rows.map((r) => r.lines.map(lineObject)),
      "JSON",
    ),
  ];
}

function refundColumns(rows: readonly StoredRefund[], currency: Currency): ColumnSource[] {
  const sums = rows.map((r) => refundSums(r.lines));
  return [
    column(
      "shop_id",
      Int32Array.from(rows, (r) => r.shopId),
      "INT32",
    ),
    column(
      "refund_id",
      rows.map((r) => r.saleId),
      "STRING",
    ),
    column(
      "sale_id",
      rows.map((r) => r.refundOf),
      "STRING",
    ),
    column(
      "refunded_at",
      rows.map((r) => new Date(r.soldAt)),
      "TIMESTAMP",
    ),
    column(
      "business_day",
      rows.map((r) => r.businessDay),
      "STRING",
    ),
    column(
      "currency",
      rows.map(() => currency.code),
      "STRING",
    ),
    column(
      "currency_exponent",
      Int32Array.from(rows, () => currency.exponent),
      "INT32",
    ),
    column("net_minor", int64(sums.map((s) => s.net)), "INT64"),
    column("tax_minor", int64(sums.map((s) => s.tax)), "INT64"),
    column(
      "items",
      Int32Array.from(sums, (s) => s.items),
      "INT32",
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
  currency: Currency,
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
