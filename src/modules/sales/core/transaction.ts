// A transaction as every flow of the sales module sees it: what the Worker sends a shard, what
// the shard buffers and flushes, what the read-back and an id's reuse answer with
// (docs/API.md#transactions, #receipts).
import type { Line, RefundLine } from "./receipt";

/** A receipt as stored: its lines (with the spread of its discount) and the receipt's discount. */
export type StoredSale = {
  shopId: number;
  saleId: string;
  /** When it was sold. */
  soldAt: number;
  businessDay: string;
  refundOf: null;
  lines: Line[];
  discountMinor: number;
};

/** A refund as stored: `saleId` is the refund's own id, `refundOf` the receipt's. */
export type StoredRefund = {
  shopId: number;
  saleId: string;
  /** When it was refunded. */
  soldAt: number;
  businessDay: string;
  refundOf: string;
  lines: RefundLine[];
  discountMinor: 0;
};

/** A sale (a receipt), or a refund of one. */
export type StoredTransaction = StoredSale | StoredRefund;

/** A buffered transaction, with its place in the shard's buffer. */
export type BufferedSale = StoredTransaction & { seq: number };

/** A transaction as a flush carries it, without the seq. */
export type ChunkRow = [
  shopId: number,
  saleId: string,
  soldAt: number,
  businessDay: string,
  refundOf: string | null,
  lines: Line[] | RefundLine[],
  discountMinor: number,
];

export const chunkRow = (r: StoredTransaction): ChunkRow => [
  r.shopId,
  r.saleId,
  r.soldAt,
  r.businessDay,
  r.refundOf,
  r.lines,
  r.discountMinor,
];

/** The transaction a chunk row is. */
export const fromChunkRow = (r: Readonly<ChunkRow>): StoredTransaction => {
  const [shopId, saleId, soldAt, businessDay, refundOf, lines, discountMinor] = r;
  return refundOf === null
    ? { shopId, saleId, soldAt, businessDay, refundOf, lines: lines as Line[], discountMinor }
    : {
        shopId,
        saleId,
        soldAt,
        businessDay,
        refundOf,
        lines: lines as RefundLine[],
        discountMinor: 0,
      };
};

/** A transaction's identity in the shop's id space, as one string. */
export const transactionKey = (t: { shopId: number; saleId: string }) => `${t.shopId}:${t.saleId}`;

/** A transaction's identity within a flush: sale or refund, shop, id (a buffered row too). */
export const keyOf = (r: readonly [...ChunkRow, ...unknown[]]) =>
  `${r[4] === null ? "s" : "r"}:${r[0]}:${r[1]}`;

/** The terminal a transaction came from, and its number there (docs/API.md#terminals). */
export type TerminalSeq = { id: string; seq: number };

/** A row for the buffer: a sale, or a refund filled in from its sale. */
export type BufferInsert = StoredTransaction & { clientId: boolean };

/** A receipt on its way to a shard; `clientId`: its id came from the client (so it can be retried). */
export type IncomingSale = StoredSale & {
  clientId: boolean;
  atSent: boolean;
  terminal: TerminalSeq | null;
  /** Per line, whether the client sent `unit_price` (else it is the catalog's at acceptance). */
  pricesSent: boolean[];
};

/** What a refund asks of one line: its place on the receipt, and how many (null: all left). */
export type RefundAsk = { line: number; quantity: number | null };

/**
 * A refund on its way to a shard: `saleId` is the refund's own id. The shard computes its lines
 * (default: all that is left of the receipt) from the refunded receipt and what is left of it.
 */
export type IncomingRefund = {
  shopId: number;
  saleId: string;
  refundOf: string;
  /** The lines named, or null: the whole receipt, or `quantity` of a one-line receipt. */
  lines: RefundAsk[] | null;
  quantity: number | null;
  soldAt: number;
  businessDay: string;
  clientId: true;
  /** Whether the client sent `refunded_at` (else it is the time of acceptance). */
  atSent: boolean;
  terminal: TerminalSeq | null;
};

export type IncomingTransaction = IncomingSale | IncomingRefund;

/**
 * Why a transaction was refused: a refund of no such sale, of more than is left, or from
 * before the sale; an id sent again with another body (then `stored` is what it names); a new
 * transaction dated in an archived month.
 */
export type Refusal = {
  code:
    | "not_found"
    | "conflict"
    | "validation_failed"
    | "idempotency_key_reused"
    | "month_archived";
  path: string;
  message: string;
  stored?: StoredTransaction;
};
export type AppendStatus = "accepted" | "duplicate" | Refusal;

/** A product's change in one business month: net items, net, gross and discounts (minor units). */
export type ProductDelta = {
  productId: number;
  month: string;
  quantity: number;
  netMinor: number;
  grossMinor: number;
  discountsMinor: number;
};

/** Net changes of one flush by business month: what a shard tells the Rankings object. */
export type FlushDeltas = {
  shops: { shopId: number; month: string; netMinor: number }[];
  products: ProductDelta[];
};
