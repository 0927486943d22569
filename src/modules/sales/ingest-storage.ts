// A shard's SQLite storage: the statements over its buffer and its refund ledger (the schema's
// versions are in ingest-migrations.ts).
import type { BufferedSale, FlushChunk } from "./flush";
import { saleKeyHash } from "./seen";
import { type StoredTransaction, storedInBuffer, type TransactionRow, toStored } from "./stored";

/** A sale on its way to a shard; `clientId`: its id came from the client (so it can be retried). */
/** The terminal a transaction came from, and its number there (SPEC §4.2). */
export type TerminalSeq = { id: string; seq: number };

export type IncomingSale = BufferInsert & {
  refundOf: null;
  atSent: boolean;
  terminal: TerminalSeq | null;
};

/** A row for the buffer: a sale, or a refund filled in from its sale. */
export type BufferInsert = Omit<BufferedSale, "seq"> & { clientId: boolean };

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

/** A transaction's identity in the shop's id space, as one string. */
export const transactionKey = (t: { shopId: number; saleId: string }) => `${t.shopId}:${t.saleId}`;

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

/** What a shard needs of a sale to refund it. */
export type RefundableSale = {
  productId: number;
  quantity: number;
  unitPriceMinor: number;
  soldAt: number;
};

/** What the append path needs of the shard's buffer (buffer.ts). */
export type BufferWriter = {
  has(key: string): boolean;
  append(rows: readonly BufferInsert[], acceptedAt: number): void;
};

/**
 * A group's sales into the buffer, as one row: a server-made id is new by construction; a
 * client's id that is not flushed is new unless it waits in the buffer already (or earlier in
 * this group). Refund places are left "duplicate" for the refunds to fill; `firstAt` is where
 * each new client sale first stands.
 */
export function bufferSales(
  buffer: BufferWriter,
  incoming: readonly IncomingTransaction[],
  flushed: { has(key: string): boolean },
  acceptedAt: number,
  skip: ReadonlySet<number>,
): { statuses: AppendStatus[]; firstAt: Map<string, number>; added: number; late: number[] } {
  // A sale whose id an earlier refund of the group uses goes in after the refunds (`late`), so
  // the refund keeps the id it was sent with first. Rare: ids are unique per terminal.
  const refundIds = new Set<string>();
  const late: number[] = [];
  incoming.forEach((t, index) => {
    if (t.refundOf !== null) refundIds.add(transactionKey(t));
    else if (refundIds.has(transactionKey(t))) late.push(index);
  });
  const lateSet = new Set(late);
  const sales = incoming.filter(
    (t, index): t is IncomingSale => t.refundOf === null && !lateSet.has(index) && !skip.has(index),
  );
  const fresh = new Set<string>();
  const rows = sales.filter((s) => {
    if (!s.clientId) return true;
    const key = transactionKey(s);
    if (flushed.has(key) || buffer.has(key) || fresh.has(key)) return false;
    fresh.add(key);
    return true;
  });
  buffer.append(rows, acceptedAt);
  const added = rows.length;
  // A client's sale new in this group counts once, at its first place.
  const firstAt = new Map<string, number>();
  const statuses = incoming.map((t, index): AppendStatus => {
    if (t.refundOf !== null || lateSet.has(index) || skip.has(index)) return "duplicate";
    if (!t.clientId) return "accepted";
    if (!fresh.delete(transactionKey(t))) return "duplicate";
    firstAt.set(transactionKey(t), index);
    return "accepted";
  });
  return { statuses, firstAt, added, late };
}

/** A late sale of a group (see `bufferSales`), on its own: whether it went in. */
export function bufferLateSale(buffer: BufferWriter, sale: IncomingSale, acceptedAt: number) {
  if (buffer.has(transactionKey(sale))) return false;
  buffer.append([sale], acceptedAt);
  return true;
}

/** How much of a sale this shard has accepted refunds for (buffered or flushed). */
export function refundedQuantity(sql: SqlStorage, shopId: number, saleId: string): number {
  return (
    sql
      .exec<{ q: number }>(
        "SELECT quantity AS q FROM refunded WHERE shop_id = ? AND sale_id = ?",
        shopId,
        saleId,
      )
      .toArray()[0]?.q ?? 0
  );
}

export function addRefunded(sql: SqlStorage, shopId: number, saleId: string, quantity: number) {
  sql.exec(
    `INSERT INTO refunded (shop_id, sale_id, quantity) VALUES (?, ?, ?)
     ON CONFLICT (shop_id, sale_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
    shopId,
    saleId,
    quantity,
  );
}

/** Buffered sales by key `shop:sale`, for the refunds that name them (see `storedInBuffer`). */
export function bufferedSales(
  sql: SqlStorage,
  keys: readonly [number, string][],
  buffered: { has(key: string): boolean },
): Map<string, RefundableSale> {
  const found = new Map<string, RefundableSale>();
  for (const [key, t] of storedInBuffer(sql, keys, buffered)) {
    if (t.refundOf !== null) continue;
    found.set(key, {
      productId: t.productId,
      quantity: t.quantity,
      unitPriceMinor: t.unitPriceMinor,
      soldAt: t.soldAt,
    });
  }
  return found;
}

/** When the oldest buffered transaction was accepted (null: nothing waits). */
export function oldestAcceptedAt(sql: SqlStorage): number | null {
  return (
    sql
      .exec<{ at: number }>("SELECT accepted_at AS at FROM buffer ORDER BY seq LIMIT 1")
      .toArray()[0]?.at ?? null
  );
}

const BUSINESS_DAY = `CASE business_day WHEN '' THEN strftime('%Y-%m-%d', sold_at / 1000.0,
  'unixepoch') ELSE business_day END`;

type BufferRow = TransactionRow & { seq: number };

/** A chunk's rows one by one, for the bisection of a flush D1 refused. */
export function readRows(sql: SqlStorage, chunk: FlushChunk): BufferedSale[] {
  return sql
    .exec<BufferRow>(
      `SELECT seq, shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at,
              ${BUSINESS_DAY} AS business_day, refund_of
       FROM buffer WHERE seq BETWEEN ? AND ? ORDER BY seq`,
      chunk.firstSeq,
      chunk.lastSeq,
    )
    .toArray()
    .map((r) => ({ seq: r.seq, ...toStored(r) }));
}
