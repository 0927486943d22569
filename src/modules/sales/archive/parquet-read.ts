// The archive's parts read back (docs/ARCHIVE.md#reading-it-back): whole, or only the rows of
// one shop or one id, by the page index over R2 range reads.
import { parquetReadObjects } from "hyparquet";
import type { Line, RefundLine } from "../core/receipt";
import type { StoredRefund, StoredSale, StoredTransaction } from "../core/transaction";
import type { ArchiveKind, lineObject, refundLineObject } from "./parquet";

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

/** The keys (shop, id) of a part's rows from `rowStart` to `rowEnd`: two columns, nothing else. */
export async function keysOfPart(
  kind: ArchiveKind,
  file: PartFile,
  rowStart: number,
  rowEnd: number,
): Promise<[number, string][]> {
  const idColumn = kind === "sales" ? "sale_id" : "refund_id";
  const rows = await parquetReadObjects({ file, columns: ["shop_id", idColumn], rowStart, rowEnd });
  return rows.map((r) => [Number(r.shop_id), String(r[idColumn])]);
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

/** Every transaction of one shop in a part (its rows are contiguous: the part is in key order). */
export async function shopRowsInPart(kind: ArchiveKind, file: PartFile, shopId: number) {
  const rows = await parquetReadObjects({
    file,
    filter: { shop_id: { $eq: shopId } },
    usePageIndex: true,
  });
  return kind === "sales"
    ? rows.map((r) => fromSale(r as SaleRecord))
    : rows.map((r) => fromRefund(r as RefundRecord));
}
