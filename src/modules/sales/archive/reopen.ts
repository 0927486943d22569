// An archived month brought back to D1 (docs/ARCHIVE.md#reopening-a-month), part by part: each
// part's rows are inserted (a row D1 has already stays), then the part leaves R2 and the list.
// The month takes no new transactions until the last part is back; a rerun goes on.
import { and, asc, eq } from "drizzle-orm";
import { log } from "../../../lib/log";
import type { ServiceContext } from "../../../platform/context";
import type { StoredRefund, StoredSale } from "../core/transaction";
import { forgetFrozenMonths } from "./months";
import { bytesFile, decodePart } from "./parquet-read";
import { archiveFiles, archiveMonths } from "./schema";

const INSERT_ROWS = 2_000;
// Rows brought back carry no flush of a shard (shard −1): no flush replay ever reads them.
const RESTORED_FLUSH = [-1, 0];

const saleRow = (t: StoredSale) => [
  t.shopId,
  t.saleId,
  t.soldAt,
  t.businessDay,
  JSON.stringify(t.lines),
  t.discountMinor,
  ...RESTORED_FLUSH,
];
const refundRow = (t: StoredRefund) => [
  t.shopId,
  t.saleId,
  t.refundOf,
  t.soldAt,
  t.businessDay,
  JSON.stringify(t.lines),
  ...RESTORED_FLUSH,
];

const INSERT = {
  sales: `INSERT INTO sales (shop_id, sale_id, sold_at, business_day, lines, discount_minor,
      flush_shard, flush_seq)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
      value ->> 6, value ->> 7 FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`,
  refunds: `INSERT INTO refunds (shop_id, refund_id, sale_id, refunded_at, business_day, lines,
      flush_shard, flush_seq)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
      value ->> 6, value ->> 7 FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`,
};

/** The next part back to D1, or the month opened once none is left. */
export async function reopenStep(ctx: ServiceContext, month: string) {
  const [file] = await ctx.db
    .select()
    .from(archiveFiles)
    .where(eq(archiveFiles.month, month))
    .orderBy(asc(archiveFiles.kind), asc(archiveFiles.part))
    .limit(1);
  if (!file) {
    await ctx.db
      .update(archiveMonths)
      .set({ state: "open", phase: "freeze", finishedAt: null, frozenAt: null })
      .where(and(eq(archiveMonths.month, month), eq(archiveMonths.phase, "reopen")));
    forgetFrozenMonths();
    log("info", "archive.reopened", { month });
    return "opened" as const;
  }
  const object = await ctx.env.ARCHIVE.get(file.key);
  if (object) {
    const rows = await decodePart(file.kind, bytesFile(new Uint8Array(await object.arrayBuffer())));
    const values = rows.map((t) =>
      t.refundOf === null ? saleRow(t) : refundRow(t as StoredRefund),
    );
    const statements = [];
    for (let i = 0; i < values.length; i += INSERT_ROWS)
      statements.push(
        ctx.env.DB.prepare(INSERT[file.kind]).bind(
          JSON.stringify(values.slice(i, i + INSERT_ROWS)),
        ),
      );
    if (statements.length > 0) await ctx.env.DB.batch(statements);
  } else if (file.deletedRows > 0) {
    throw new Error(`archive object ${file.key} is gone while its rows are not in D1`);
  }
  // The part leaves the list before R2: a crash between leaves an object nothing points at, and
  // its key is never used again (part numbers only count up).
  await ctx.db.delete(archiveFiles).where(eq(archiveFiles.key, file.key));
  await ctx.env.ARCHIVE.delete(file.key);
  return "restored" as const;
}

/** Every part of the month back in D1, then the month open (the reopen job's body). */
export async function runReopen(ctx: ServiceContext, month: string) {
  let parts = 0;
  while ((await reopenStep(ctx, month)) === "restored") parts++;
  return { month, parts };
}
