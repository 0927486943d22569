// A transaction as every flow of the sales module sees it: what the Worker sends a shard, what
// the shard buffers and flushes, what the read-back and an id's reuse answer with
// (docs/API.md#transactions).

/** A buffered transaction: a sale, or a refund of `refundOf` (then `saleId` is the refund's id). */
export type BufferedSale = {
  seq: number;
  shopId: number;
  saleId: string;
  productId: number;
  quantity: number;
  unitPriceMinor: number;
  /** When it was sold, or refunded. */
  soldAt: number;
  businessDay: string;
  refundOf: string | null;
};

/** A sale, or a refund of `refundOf` (then `saleId` is the refund's own id), as stored. */
export type StoredTransaction = Omit<BufferedSale, "seq">;

/** A transaction as a flush carries it: `BufferedSale`'s fields in order, without the seq. */
export type ChunkRow = [
  shopId: number,
  saleId: string,
  productId: number,
  quantity: number,
  unitPriceMinor: number,
  soldAt: number,
  businessDay: string,
  refundOf: string | null,
];

export const chunkRow = (r: StoredTransaction): ChunkRow => [
  r.shopId,
  r.saleId,
  r.productId,
  r.quantity,
  r.unitPriceMinor,
  r.soldAt,
  r.businessDay,
  r.refundOf,
];

/** A transaction's identity in the shop's id space, as one string. */
export const transactionKey = (t: { shopId: number; saleId: string }) => `${t.shopId}:${t.saleId}`;

/** A transaction's identity within a flush: sale or refund, shop, id (a buffered row too). */
export const keyOf = (r: readonly [...ChunkRow, ...unknown[]]) =>
  `${r[7] === null ? "s" : "r"}:${r[0]}:${r[1]}`;

/** The terminal a transaction came from, and its number there (docs/API.md#terminals). */
export type TerminalSeq = { id: string; seq: number };

/** A row for the buffer: a sale, or a refund filled in from its sale. */
export type BufferInsert = StoredTransaction & { clientId: boolean };

/** A sale on its way to a shard; `clientId`: its id came from the client (so it can be retried). */
export type IncomingSale = BufferInsert & {
  refundOf: null;
  atSent: boolean;
  terminal: TerminalSeq | null;
};

/**
 * A refund on its way to a shard: `saleId` is the refund's own id. The shard fills product,
 * price and quantity (default: all that is left) from the refunded sale.
 */
export type IncomingRefund = {
  shopId: number;
  saleId: string;
  refundOf: string;
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
 * Why a shard refused a transaction: a refund of no such sale, of more than is left, or from
 * before the sale; or an id sent again with another body (then `stored` is what it names).
 */
export type Refusal = {
  code: "not_found" | "conflict" | "validation_failed" | "idempotency_key_reused";
  path: string;
  message: string;
  stored?: StoredTransaction;
};
export type AppendStatus = "accepted" | "duplicate" | Refusal;

/** Net changes of one flush by business month: what a shard tells the Rankings object. */
export type FlushDeltas = {
  shops: { shopId: number; month: string; netMinor: number }[];
  products: { productId: number; month: string; quantity: number }[];
};
