import { z } from "@hono/zod-openapi";
import { bodyIdSchema } from "../../lib/ids";
import { toMajor } from "../../lib/money";
import type { salesDeadLetters } from "./schema";

type SaleDeadLetter = typeof salesDeadLetters.$inferSelect;

// Transaction ids (SPEC §4.2: a receipt number, a UUID), in the body or as Idempotency-Key,
// scoped to the shop; sales and refunds share one id space per shop.
export const SALE_ID_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
export const saleIdSchema = z
  .string()
  .regex(new RegExp(SALE_ID_PATTERN), "1..64 of A-Z a-z 0-9 _ . -")
  .openapi({ pattern: SALE_ID_PATTERN, example: "7f1d6c52-0c3e-4a4e-9a53-4f3c2a1b9d10" });
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const MAX_QUANTITY = 1000;

/** When a sale or refund happened: with a zone, at most 5 minutes ahead, any age back. */
const transactionTimeSchema = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) <= Date.now() + FUTURE_TOLERANCE_MS, {
    message: "must not be more than 5 minutes in the future",
  });
const quantitySchema = z.number().int().min(1).max(MAX_QUANTITY);

// A terminal and its own running number of transactions (SPEC §4.2), sent together.
export const TERMINAL_ID_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
export const terminalIdSchema = z
  .string()
  .regex(new RegExp(TERMINAL_ID_PATTERN), "1..64 of A-Z a-z 0-9 _ . -")
  .openapi({ pattern: TERMINAL_ID_PATTERN, example: "T-3" });
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

export const storedTransactionSchema = z
  .object({
    type: z.enum(["sale", "refund"]),
    id: z.string(),
    shop_id: z.number().int(),
    product_id: z.number().int(),
    quantity: z.number().int(),
    unit_price: z.number(),
    amount: z.number().openapi({ description: "unit_price × quantity" }),
    business_day: z.string(),
    sold_at: z.string().optional().openapi({ format: "date-time", description: "A sale's" }),
    sale_id: z.string().optional().openapi({ description: "A refund's: the refunded sale" }),
    refunded_at: z.string().optional().openapi({ format: "date-time", description: "A refund's" }),
  })
  .openapi("StoredTransaction");

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

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM")
  .openapi({ pattern: "^\\d{4}-(0[1-9]|1[0-2])$", example: "2026-11" });

const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";
// No example: Swagger UI's "Try it out" sends examples, and `month` with `from`/`to` is a 400.
export const dateSchema = z.iso.date().openapi({ pattern: DATE_PATTERN });

/** The figures of SPEC §4.1, money in major units: net = gross − refunds. */
export const figuresSchema = z
  .object({
    gross: z.number(),
    refunds: z.number(),
    net: z.number(),
    items_sold: z.number().int(),
    items_refunded: z.number().int(),
    sales: z.number().int(),
  })
  .openapi("Figures");

const rebuildingSchema = z.array(z.number().int()).openapi({
  description: "Shops whose history is being moved to new business days (their figures may move)",
});

export const topShopsSchema = z
  .object({
    month: z
      .string()
      .nullable()
      .openapi({ description: "The business month asked for, or null for a range" }),
    from: z.string(),
    to: z.string(),
    items: z.array(
      z.object({
        shop_id: z.number().int(),
        name: z.string(),
        address: z.string(),
        revenue: z.number().openapi({ description: "Net revenue (gross − refunds)" }),
      }),
    ),
    rebuilding: rebuildingSchema,
  })
  .openapi("TopShops");

export const topProductsSchema = z
  .object({
    period: z.string().openapi({ description: "YYYY-MM, `FROM..TO`, or `all` for all time" }),
    items: z.array(
      z.object({
        product_id: z.number().int(),
        name: z.string(),
        quantity: z.number().int().openapi({ description: "Net quantity (sold − refunded)" }),
      }),
    ),
    rebuilding: rebuildingSchema,
  })
  .openapi("TopProducts");

export const salesReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(["day", "week", "month"]),
    shop_id: z.number().int().nullable(),
    product_id: z.number().int().nullable(),
    series: z.array(
      figuresSchema.extend({
        period: z.string().openapi({ description: "The day, the week's Monday, or YYYY-MM" }),
      }),
    ),
    totals: figuresSchema,
    previous: figuresSchema.extend({ from: z.string(), to: z.string() }),
    as_of: z.string().openapi({
      format: "date-time",
      description: "Every transaction acknowledged before this instant is included",
    }),
    rebuilding: rebuildingSchema,
  })
  .openapi("SalesReport");

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
