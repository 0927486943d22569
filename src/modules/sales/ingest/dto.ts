import { z } from "@hono/zod-openapi";
import { bodyIdSchema } from "../../../lib/ids";
import { toMajor } from "../../../lib/money";
import type { salesDeadLetters } from "../core/schema";
import { saleIdSchema, storedTransactionSchema, terminalIdSchema } from "../core/wire";

type SaleDeadLetter = typeof salesDeadLetters.$inferSelect;

const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const MAX_QUANTITY = 1000;

/** When a sale or refund happened: with a zone, at most 5 minutes ahead, any age back. */
const transactionTimeSchema = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) <= Date.now() + FUTURE_TOLERANCE_MS, {
    message: "must not be more than 5 minutes in the future",
  });
const quantitySchema = z.number().int().min(1).max(MAX_QUANTITY);

const terminalFields = {
  terminal_id: terminalIdSchema.optional().openapi({
    description: "The terminal that made the transaction; with `seq`",
  }),
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().openapi({
    example: 1,
    description:
      "The terminal's number of this transaction, up by one per transaction (with `terminal_id`); another id with a seq the terminal already sent is a 409",
  }),
};
export const saleSchema = z
  .strictObject({
    product_id: bodyIdSchema.openapi({ example: 1 }),
    shop_id: bodyIdSchema.openapi({ example: 1 }),
    quantity: quantitySchema.default(1).openapi({ description: `1..${MAX_QUANTITY}, default 1` }),
    sold_at: transactionTimeSchema.optional().openapi({
      format: "date-time",
      example: "2026-11-23T10:15:00+03:00",
      description: "Default now; at most 5 minutes ahead; history of any age is accepted",
    }),
    id: saleIdSchema.optional().openapi({
      description:
        "The client's id of the sale (a receipt number or a UUID). A retry with the same id for the same shop is counted once; other shops may use the same id.",
    }),
    ...terminalFields,
  })
  .openapi("Sale");

export type SaleInput = z.infer<typeof saleSchema>;

export const refundSchema = z
  .strictObject({
    id: saleIdSchema.openapi({
      example: "R-000125",
      description:
        "The refund's id, in the shop's id space of transactions: a retry answers `duplicate` and counts once.",
    }),
    shop_id: bodyIdSchema.openapi({ example: 1 }),
    sale_id: saleIdSchema.openapi({ example: "R-000124", description: "The refunded sale's id" }),
    quantity: quantitySchema
      .optional()
      .openapi({ description: "Items refunded; default: all that is left of the sale" }),
    refunded_at: transactionTimeSchema.optional().openapi({
      format: "date-time",
      example: "2026-11-23T18:40:00+03:00",
      description: "Default now; not before the sale; at most 5 minutes ahead",
    }),
    ...terminalFields,
  })
  .openapi("Refund");

export type RefundInput = z.infer<typeof refundSchema>;

/** A batch item: a sale (`type` absent or `sale`) or a refund (`type: refund`). */
export const batchSaleSchema = saleSchema.extend({ type: z.literal("sale").optional() });
export const batchRefundSchema = refundSchema.extend({ type: z.literal("refund") });

export const saleAcceptedSchema = z
  .object({
    id: z.string(),
    status: z.enum(["accepted", "duplicate"]),
  })
  .openapi("SaleAccepted");

export const MAX_BATCH = 1000;

// Items are validated one by one (an invalid one is reported by index, the rest are kept),
// so the body schema takes any items while the description names the Sale schema.
export const batchSchema = z
  .strictObject({
    sales: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BATCH)
      .openapi({
        type: "array",
        items: {
          oneOf: [{ $ref: "#/components/schemas/Sale" }, { $ref: "#/components/schemas/Refund" }],
        },
        description: `1..${MAX_BATCH} sales and refunds (\`"type":"refund"\`), applied in order; an invalid item is rejected by index`,
      }),
  })
  .openapi("SaleBatch");

const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const batchItemResultSchema = z
  .object({
    index: z.number().int(),
    id: z.string().nullable().openapi({
      description:
        "The item's id: the client's, or the one the server gave a sale sent without one (null: rejected without an id)",
    }),
    status: z.enum(["accepted", "duplicate", "rejected"]),
    errors: z.array(fieldErrorSchema).optional(),
    stored: storedTransactionSchema
      .optional()
      .openapi({ description: "For an id sent again with another body: what the id names" }),
  })
  .openapi("SaleBatchItemResult");

export type BatchItemResult = z.infer<typeof batchItemResultSchema>;

export const batchResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), errors: z.array(fieldErrorSchema) })),
    results: z.array(batchItemResultSchema).openapi({
      description: "One per item, in the order sent: what became of it",
    }),
  })
  .openapi("SaleBatchResult");

export const deadLetterSchema = z
  .object({
    shard: z.number().int(),
    seq: z.number().int(),
    shop_id: z.number().int(),
    id: z.string(),
    product_id: z.number().int(),
    quantity: z.number().int(),
    unit_price: z.number(),
    sold_at: z.string().openapi({ format: "date-time" }),
    error: z.string(),
    set_aside_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("SaleDeadLetter");

export const ingestStatusSchema = z
  .object({
    shards: z.array(z.object({ shard: z.number().int(), buffered: z.number().int() })),
    buffered: z.number().int(),
    dead_letters: z.number().int(),
  })
  .openapi("SalesIngestStatus");

export function serializeDeadLetter(row: SaleDeadLetter) {
  return {
    shard: row.shard,
    seq: row.seq,
    shop_id: row.shopId,
    id: row.saleId,
    product_id: row.productId,
    quantity: row.quantity,
    unit_price: toMajor(row.unitPriceMinor),
    sold_at: row.soldAt.toISOString(),
    error: row.error,
    set_aside_at: row.setAsideAt.toISOString(),
  };
}
