// The shapes of the ingest's admin routes: what waits in the shards, what was set aside.
import { z } from "@hono/zod-openapi";
import type { Currency } from "../../../lib/money";
import type { salesDeadLetters } from "../core/schema";
import { toStored } from "../core/stored";
import { storedJson, storedTransactionSchema } from "../core/wire";

type SaleDeadLetter = typeof salesDeadLetters.$inferSelect;

export const deadLetterSchema = z
  .object({
    shard: z.number().int(),
    seq: z.number().int(),
    error: z.string(),
    set_aside_at: z.string().openapi({ format: "date-time" }),
    transaction: storedTransactionSchema.openapi({ description: "What was set aside, as stored" }),
  })
  .openapi("SaleDeadLetter");

export const ingestStatusSchema = z
  .object({
    shards: z.array(z.object({ shard: z.number().int(), buffered: z.number().int() })),
    buffered: z.number().int(),
    dead_letters: z.number().int(),
  })
  .openapi("SalesIngestStatus");

export function serializeDeadLetter(row: SaleDeadLetter, currencies: (shopId: number) => Currency) {
  const transaction = toStored({
    shop_id: row.shopId,
    sale_id: row.saleId,
    sold_at: row.soldAt.getTime(),
    business_day: row.businessDay,
    refund_of: row.refundOf,
    lines: row.lines,
    discount_minor: row.discountMinor,
  });
  return {
    shard: row.shard,
    seq: row.seq,
    error: row.error,
    set_aside_at: row.setAsideAt.toISOString(),
    transaction: storedJson(transaction, currencies(row.shopId)),
  };
}
