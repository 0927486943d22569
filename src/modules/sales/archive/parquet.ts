// The archive's file layout (docs/ARCHIVE.md#the-files): one Parquet file a part of a month's
// receipts or refunds, sorted by shop and id, Snappy, one row group. Money is INT64 minor units
// of `currency` (its exponent beside it), times are UTC milliseconds, lines are JSON.
import { parquetReadObjects } from "hyparquet";
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

const lineObject = (l: Line) => ({
  product_id: l[0],
  quantity: l[1],
  unit_price_minor: l[2],
  discount_minor: l[3],
  receipt_discount_minor: l[4],
  tax_minor: l[5],
});
const refundLineObject = (l: RefundLine) => ({
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

type SaleRecord = {
  shop_id: number;
  sale_id: string;
  sold_at: Date;
  business_day: string;
  receipt_discount_minor: bigint;
  lines: LineObject[];
};
type RefundRecord = {
  shop_id: number;
  refund_id: string;
  sale_id: string;
  refunded_at: Date;
  business_day: string;
  lines: RefundLineObject[];
};

type LineObject = ReturnType<typeof lineObject>;
type RefundLineObject = ReturnType<typeof refundLineObject>;

const fromSale = (r: SaleRecord): StoredSale => ({
  shopId: r.shop_id,
  saleId: r.sale_id,
  soldAt: r.sold_at.getTime(),
  businessDay: r.business_day,
  refundOf: null,
  lines: r.lines.map(
    (l): Line => [
      l.product_id,
      l.quantity,
      l.unit_price_minor,
      l.discount_minor,
      l.receipt_discount_minor,
      l.tax_minor,
    ],
  ),
  discountMinor: Number(r.receipt_discount_minor),
});

const fromRefund = (r: RefundRecord): StoredRefund => ({
  shopId: r.shop_id,
  saleId: r.refund_id,
  soldAt: r.refunded_at.getTime(),
  businessDay: r.business_day,
  refundOf: r.sale_id,
  lines: r.lines.map(
    (l): RefundLine => [l.line, l.product_id, l.quantity, l.net_minor, l.tax_minor],
  ),
  discountMinor: 0,
});

/** A file as `hyparquet` reads it: its length and ranges of it (R2 range reads, or bytes). */
export type PartFile = {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer> | ArrayBuffer;
};

export function bytesFile(bytes: Uint8Array): PartFile {
  const buffer = bytes.slice().buffer;
  return { byteLength: buffer.byteLength, slice: (start, end) => buffer.slice(start, end) };
}

/** An R2 object read by ranges: only the footer and the pages asked for travel. */
export function r2File(bucket: R2Bucket, key: string, byteLength: number): PartFile {
  return {
    byteLength,
    async slice(start, end = byteLength) {
      const object = await bucket.get(key, { range: { offset: start, length: end - start } });
      if (!object) throw new Error(`archive object ${key} is gone`);
      return object.arrayBuffer();
    },
  };
}

/** Every transaction of a part, in its order. */
export async function decodePart(kind: ArchiveKind, file: PartFile): Promise<StoredTransaction[]> {
  const rows = await parquetReadObjects({ file });
  return kind === "sales"
    ? rows.map((r) => fromSale(r as SaleRecord))
    : rows.map((r) => fromRefund(r as RefundRecord));
}

/** The transactions of a part with these ids in one shop (the page index skips the rest). */
export async function findInPart(
  kind: ArchiveKind,
  file: PartFile,
  shopId: number,
  ids: readonly string[],
): Promise<StoredTransaction[]> {
  const idColumn = kind === "sales" ? "sale_id" : "refund_id";
  const rows = await parquetReadObjects({
    file,
    filter: { shop_id: { $eq: shopId }, [idColumn]: { $in: [...ids] } },
    usePageIndex: true,
  });
  return kind === "sales"
    ? rows.map((r) => fromSale(r as SaleRecord))
    : rows.map((r) => fromRefund(r as RefundRecord));
}

/** The refunds of a part that refund one receipt (refund parts are few; read whole). */
export async function refundsOfInPart(file: PartFile, shopId: number, saleId: string) {
  const rows = await parquetReadObjects({
    file,
    filter: { shop_id: { $eq: shopId }, sale_id: { $eq: saleId } },
  });
  return rows.map((r) => fromRefund(r as RefundRecord));
}
