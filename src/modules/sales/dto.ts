import { z } from "@hono/zod-openapi";
import { moneySchema } from "../../lib/money";

const today = () => new Date().toISOString().slice(0, 10);
const isoDate = z.iso.date().refine((d) => d <= today(), { message: "must not be in the future" });

export const productSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    model: z.string(),
    price: z.number().openapi({ example: 2500.5 }),
    release_date: z.string().openapi({ example: "2025-09-01" }),
  })
  .openapi("Product");

export const createProductSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    model: z.string().trim().min(1).max(100),
    price: moneySchema.openapi({ type: "number", example: 2500.5 }),
    release_date: isoDate.openapi({ example: "2025-09-01" }),
  })
  .openapi("CreateProduct");

export const updateProductSchema = createProductSchema.partial().openapi("UpdateProduct");

export const shopSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    address: z.string(),
    company_id: z.number().int().nullable(),
  })
  .openapi("Shop");

export const createShopSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    address: z.string().trim().min(1).max(255),
    company_id: z.number().int().positive().nullable().optional(),
  })
  .openapi("CreateShop");

export const updateShopSchema = createShopSchema.partial().openapi("UpdateShop");

// Sale ids are client UUIDs (SPEC §4); an Idempotency-Key header may be any such token.
export const saleIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, "1..100 of A-Z a-z 0-9 . _ : -");
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export const saleSchema = z
  .strictObject({
    product_id: z.number().int().positive(),
    shop_id: z.number().int().positive(),
    quantity: z.number().int().min(1).max(1000).default(1),
    sold_at: z.iso
      .datetime({ offset: true })
      .refine((v) => Date.parse(v) <= Date.now() + FUTURE_TOLERANCE_MS, {
        message: "must not be more than 5 minutes in the future",
      })
      .optional()
      .openapi({ example: "2026-11-23T10:15:00+03:00" }),
    id: z
      .uuid()
      .optional()
      .openapi({ description: "Client UUID; a retry with the same id is counted once" }),
  })
  .openapi("Sale");

export type SaleInput = z.infer<typeof saleSchema>;

export const saleAcceptedSchema = z
  .object({ id: z.string(), status: z.enum(["accepted", "duplicate"]) })
  .openapi("SaleAccepted");

export const MAX_BATCH = 1000;

export const batchSchema = z
  .strictObject({
    sales: z
      .array(z.unknown().openapi({ description: "A Sale; an invalid item is rejected by index" }))
      .min(1)
      .max(MAX_BATCH),
  })
  .openapi("SaleBatch");

export const batchResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .openapi("SaleBatchResult");

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM")
  .openapi({ example: "2026-11" });

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
