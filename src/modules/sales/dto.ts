import { z } from "@hono/zod-openapi";
import { bodyIdSchema } from "../../lib/ids";
import { toMajor } from "../../lib/money";
import type { salesDeadLetters } from "./schema";

type SaleDeadLetter = typeof salesDeadLetters.$inferSelect;

// Idempotency-Key values (a UUID, a receipt number): like body ids, scoped to the shop.
export const SALE_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$";
export const saleIdSchema = z
  .string()
  .regex(new RegExp(SALE_ID_PATTERN), "1..100 of A-Z a-z 0-9 . _ : - (not starting with . _ : -)")
  .openapi({ pattern: SALE_ID_PATTERN, example: "7f1d6c52-0c3e-4a4e-9a53-4f3c2a1b9d10" });
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const MAX_QUANTITY = 1000;

export const saleSchema = z
  .strictObject({
    product_id: bodyIdSchema.openapi({ example: 1 }),
    shop_id: bodyIdSchema.openapi({ example: 1 }),
    quantity: z
      .number()
      .int()
      .min(1)
      .max(MAX_QUANTITY)
      .default(1)
      .openapi({ description: `1..${MAX_QUANTITY}, default 1` }),
    sold_at: z.iso
      .datetime({ offset: true })
      .refine((v) => Date.parse(v) <= Date.now() + FUTURE_TOLERANCE_MS, {
        message: "must not be more than 5 minutes in the future",
      })
      .optional()
      .openapi({
        format: "date-time",
        example: "2026-11-23T10:15:00+03:00",
        description: "Default now; at most 5 minutes ahead; history of any age is accepted",
      }),
    id: z.uuid().optional().openapi({
      format: "uuid",
      description:
        "The client's UUID of the sale. A retry with the same id for the same shop is counted once; other shops may use the same id.",
    }),
  })
  .openapi("Sale");

export type SaleInput = z.infer<typeof saleSchema>;

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
        items: { $ref: "#/components/schemas/Sale" },
        description: `1..${MAX_BATCH} sales; an invalid item is rejected by index`,
      }),
  })
  .openapi("SaleBatch");

const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const batchResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), errors: z.array(fieldErrorSchema) })),
  })
  .openapi("SaleBatchResult");

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM")
  .openapi({ pattern: "^\\d{4}-(0[1-9]|1[0-2])$", example: "2026-11" });

export const topShopsSchema = z
  .object({
    month: z.string(),
    items: z.array(
      z.object({ shop_id: z.number().int(), address: z.string(), revenue: z.number() }),
    ),
  })
  .openapi("TopShops");

export const topProductsSchema = z
  .object({
    period: z.string().openapi({ description: "YYYY-MM, or `all` for all time" }),
    items: z.array(
      z.object({ product_id: z.number().int(), name: z.string(), quantity: z.number().int() }),
    ),
  })
  .openapi("TopProducts");

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
