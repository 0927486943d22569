// Transactions dated in a month that is archived or being archived (docs/ARCHIVE.md#archived-months):
// a retry of one the month holds is a duplicate (another body under its id a 409), anything new
// a 409 `month_archived`. Answered in the Worker, before any shard: the month is closed to them.
import type { ServiceContext } from "../../../platform/context";
import { sameRequest } from "../core/same-request";
import { shardOf, shardStub } from "../core/shards";
import type { AppendStatus, IncomingTransaction, StoredTransaction } from "../core/transaction";
import { transactionKey } from "../core/transaction";
import { storedInArchive } from "./lookup";
import { frozenMonths } from "./months";

const monthOf = (t: IncomingTransaction) => t.businessDay.slice(0, 7);

/** Where a transaction of a frozen month may still be: its shard's buffer or D1 (not yet moved). */
async function storedBeforeArchive(env: Env, t: IncomingTransaction) {
  const read = await shardStub(env, shardOf(t.shopId)).transaction(t.shopId, t.saleId);
  return (read.stored as StoredTransaction | null) ?? undefined;
}

/** The answer for each transaction dated in a frozen month; undefined for the others. */
export async function answerFrozenMonths(
  ctx: ServiceContext,
  transactions: readonly IncomingTransaction[],
): Promise<(AppendStatus | undefined)[]> {
  const answers: (AppendStatus | undefined)[] = transactions.map(() => undefined);
  const months = await frozenMonths(ctx.db);
  if (months.size === 0) return answers;
  const frozen = transactions.flatMap((t, i) => (months.has(monthOf(t)) ? [i] : []));
  if (frozen.length === 0) return answers;
  const keys = frozen.map((i) => {
    const t = transactions[i] as IncomingTransaction;
    return [t.shopId, t.saleId] as [number, string];
  });
  const archived = await storedInArchive(ctx.env, keys);
  const stillHere = await Promise.all(
    frozen.map((i) => {
      const t = transactions[i] as IncomingTransaction;
      return archived.has(transactionKey(t)) ? undefined : storedBeforeArchive(ctx.env, t);
    }),
  );
  for (const [n, i] of frozen.entries()) {
    const t = transactions[i] as IncomingTransaction;
    const stored = archived.get(transactionKey(t)) ?? stillHere[n];
    const kind = t.refundOf === null ? "sale" : "refund";
    if (!stored) {
      answers[i] = {
        code: "month_archived",
        path: t.refundOf === null ? "sold_at" : "refunded_at",
        message: `${monthOf(t)} is archived and takes no new ${kind}s: date it in an open month, or have an admin reopen ${monthOf(t)} (POST /api/v1/admin/archive/${monthOf(t)}/reopen)`,
      };
    } else if (sameRequest(t, stored)) {
      answers[i] = "duplicate";
    } else {
      answers[i] = {
        code: "idempotency_key_reused",
        path: "id",
        message: `shop ${t.shopId} already has a different ${stored.refundOf === null ? "sale" : "refund"} ${t.saleId}`,
        stored,
      };
    }
  }
  return answers;
}
