// A shard's refunds (docs/API.md#refunds): each one is checked, inside the append's transaction,
// against what is left of each line of its receipt. The shard is the only writer of its shops'
// refunds, so its `refunded` ledger (units refunded per line) is the authority: concurrent
// refunds of one receipt can never together exceed a line.

import { type Line, lineRefund, type RefundLine } from "../core/receipt";
import {
  type AppendStatus,
  type BufferInsert,
  type IncomingRefund,
  type IncomingSale,
  type IncomingTransaction,
  type Refusal,
  transactionKey,
} from "../core/transaction";
import type { BufferWriter } from "./buffer";

/** What a shard needs of a receipt to refund it. */
export type RefundableSale = { soldAt: number; lines: Line[] };

/** Units refunded so far per line of a receipt (buffered or flushed), by this shard. */
function refundedLines(sql: SqlStorage, shopId: number, saleId: string, count: number): number[] {
  const row = sql
    .exec<{ lines: string }>(
      "SELECT lines FROM refunded WHERE shop_id = ? AND sale_id = ?",
      shopId,
      saleId,
    )
    .toArray()[0];
  const done = row ? (JSON.parse(row.lines) as number[]) : [];
  return Array.from({ length: count }, (_, i) => done[i] ?? 0);
}

function saveRefunded(sql: SqlStorage, shopId: number, saleId: string, done: number[]) {
  sql.exec(
    `INSERT INTO refunded (shop_id, sale_id, quantity, lines) VALUES (?, ?, ?, ?)
     ON CONFLICT (shop_id, sale_id) DO UPDATE SET quantity = excluded.quantity,
       lines = excluded.lines`,
    shopId,
    saleId,
    done.reduce((a, b) => a + b, 0),
    JSON.stringify(done),
  );
}

/** What is left of each line, in words: the answer to a refund of more than that. */
const leftText = (lines: readonly Line[], done: readonly number[]) =>
  lines.map((l, i) => `line ${i + 1}: ${l[1] - (done[i] ?? 0)} of ${l[1]} left`).join(", ");

/**
 * The lines a refund takes, with the net and tax each returns (rounded so that a line's refunds
 * add up to exactly its net and tax), or why it cannot: a line the receipt lacks, `quantity` on a
 * receipt of several lines, more than is left of a line.
 */
export function refundLines(
  refund: IncomingRefund,
  sale: RefundableSale,
  done: readonly number[],
): RefundLine[] | Refusal {
  const n = sale.lines.length;
  let asks = refund.lines;
  if (asks === null && refund.quantity !== null) {
    if (n > 1) {
      return {
        code: "validation_failed",
        path: "quantity",
        message: `receipt ${refund.refundOf} has ${n} lines: name the lines to refund (\`lines\`)`,
      };
    }
    asks = [{ line: 1, quantity: refund.quantity }];
  }
  const wanted = (asks ?? sale.lines.map((_, i) => ({ line: i + 1, quantity: null }))).map(
    (a, index) => ({ ...a, index }),
  );
  const taken: RefundLine[] = [];
  for (const ask of wanted) {
    const path = refund.lines === null ? "quantity" : `lines[${ask.index}]`;
    const line = sale.lines[ask.line - 1];
    if (!line) {
      return {
        code: "validation_failed",
        path: `${path}.line`,
        message: `receipt ${refund.refundOf} has ${n} line${n === 1 ? "" : "s"}`,
      };
    }
    const left = line[1] - (done[ask.line - 1] ?? 0);
    const quantity = ask.quantity ?? left;
    // A whole-receipt refund skips the lines refunded already; a line named must have enough.
    if (asks === null && left === 0) continue;
    if (left === 0 || quantity > left) {
      return {
        code: "conflict",
        path: refund.lines === null ? "quantity" : `${path}.quantity`,
        message: `more than is left to refund: ${leftText(sale.lines, done)}`,
      };
    }
    const { netMinor, taxMinor } = lineRefund(line, done[ask.line - 1] ?? 0, quantity);
    taken.push([ask.line, line[0], quantity, netMinor, taxMinor]);
  }
  if (taken.length === 0) {
    return {
      code: "conflict",
      path: "quantity",
      message: `nothing is left to refund: ${leftText(sale.lines, done)}`,
    };
  }
  return taken;
}

/**
 * A group's refunds, in their order, after its sales: a refund finds its sale in this group only
 * at an earlier place. Fills the refunds' statuses; returns how many were buffered. The group's
 * refunds go into the buffer together, as one row (a row each was two rows written a refund).
 */
export function bufferRefunds(
  sql: SqlStorage,
  buffer: BufferWriter,
  group: {
    incoming: readonly IncomingTransaction[];
    statuses: AppendStatus[];
    firstAt: Map<string, number>;
    sales: Map<string, RefundableSale>;
    flushed: { has(key: string): boolean };
    acceptedAt: number;
    skip: ReadonlySet<number>;
  },
): number {
  const rows: BufferInsert[] = [];
  const keys = new Set<string>();
  // The buffer as this group's refunds see it: what it holds, and the refunds before them.
  const pending: BufferWriter = {
    has: (key) => buffer.has(key) || keys.has(key),
    append: (more) => {
      for (const r of more) {
        rows.push(r);
        keys.add(transactionKey(r));
      }
    },
  };
  group.incoming.forEach((t, index) => {
    if (t.refundOf === null || group.skip.has(index)) return;
    const saleKey = transactionKey({ shopId: t.shopId, saleId: t.refundOf });
    const inGroup = group.firstAt.get(saleKey);
    const sale =
      inGroup === undefined
        ? group.sales.get(saleKey)
        : inGroup < index
          ? (group.incoming[inGroup] as IncomingSale)
          : undefined;
    group.statuses[index] = appendRefund(sql, pending, t, sale, group.flushed, group.acceptedAt);
  });
  buffer.append(rows, group.acceptedAt);
  return rows.length;
}

/** One refund, inside the append's transaction: checked against what is left of its receipt. */
function appendRefund(
  sql: SqlStorage,
  buffer: BufferWriter,
  refund: IncomingRefund,
  sale: RefundableSale | undefined,
  flushed: { has(key: string): boolean },
  acceptedAt: number,
): AppendStatus {
  const { shopId, saleId, refundOf } = refund;
  if (flushed.has(transactionKey(refund)) || buffer.has(transactionKey(refund))) return "duplicate";
  if (!sale) {
    return {
      code: "not_found",
      path: "sale_id",
      message: `shop ${shopId} has no sale ${refundOf}`,
    };
  }
  if (refund.soldAt < sale.soldAt) {
    return {
      code: "validation_failed",
      path: "refunded_at",
      message: `must not be before the sale (${new Date(sale.soldAt).toISOString()})`,
    };
  }
  const done = refundedLines(sql, shopId, refundOf, sale.lines.length);
  const lines = refundLines(refund, sale, done);
  if (!Array.isArray(lines)) return lines;
  const { soldAt, businessDay } = refund;
  buffer.append(
    [{ shopId, saleId, refundOf, soldAt, businessDay, lines, discountMinor: 0, clientId: true }],
    acceptedAt,
  );
  for (const [line, , quantity] of lines) done[line - 1] = (done[line - 1] ?? 0) + quantity;
  saveRefunded(sql, shopId, refundOf, done);
  return "accepted";
}
