import { z } from "@hono/zod-openapi";
import { canonicalTimeZone, hhmmOf, minutesOf } from "../../lib/business-day";
import { bodyIdSchema } from "../../lib/ids";
import {
  currencyIssue,
  currencySchema,
  decimalsMessage,
  exponentOf,
  moneySchema,
  toMajor,
  toMinor,
} from "../../lib/money";
import type { Product, Shop } from "./schema";

/** 1 000 000.00: with at most 1 000 items a sale, no monthly sum can reach the stored bound. */
export const MAX_PRICE_MINOR = 100_000_000;

const today = () => new Date().toISOString().slice(0, 10);
const isoDate = z.iso.date().refine((d) => d <= today(), { message: "must not be in the future" });

export const productSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    model: z.string(),
    price: z.number().openapi({ example: 2500.5, description: "In the deployment's `CURRENCY`" }),
    prices: z.record(z.string(), z.number()).openapi({
      example: { EUR: 21.5, JPY: 3400 },
      description: "The catalog price in other currencies, by ISO 4217 code",
    }),
    release_date: z.string().openapi({ format: "date", example: "2025-09-01" }),
  })
  .openapi("Product");

/** Catalog prices by currency: each with that currency's digits, in minor units. */
const pricesSchema = z
  .record(z.string(), z.number().nonnegative())
  .transform((prices, ctx) => {
    const minor: Record<string, number> = {};
    for (const [code, major] of Object.entries(prices)) {
      const issue = currencyIssue(code);
      if (issue) {
        ctx.addIssue({ code: "custom", path: [code], message: issue });
        continue;
      }
      const exponent = exponentOf(code);
      const value = toMinor(major, exponent);
      if (value === null)
        ctx.addIssue({
          code: "custom",
          path: [code],
          message: decimalsMessage({ code, exponent }),
        });
      else if (value > MAX_PRICE_MINOR)
        ctx.addIssue({
          code: "custom",
          path: [code],
          message: `at most ${toMajor(MAX_PRICE_MINOR, exponent)}`,
        });
      else minor[code] = value;
    }
    return minor;
  })
  .openapi({
    type: "object",
    additionalProperties: { type: "number", minimum: 0 },
    example: { EUR: 21.5, JPY: 3400 },
    description:
      "The catalog price in other currencies (ISO 4217 code → price with that currency's digits); a shop in a currency without one must send `unit_price`",
  });

export const createProductSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    model: z.string().trim().min(1).max(100),
    price: moneySchema(MAX_PRICE_MINOR).openapi({
      type: "number",
      minimum: 0,
      maximum: MAX_PRICE_MINOR / 100,
      multipleOf: 0.01,
      example: 2500.5,
      description: "0 … 1 000 000.00, at most 2 decimals: the price in the deployment's `CURRENCY`",
    }),
    prices: pricesSchema.optional(),
    release_date: isoDate.openapi({ format: "date", example: "2025-09-01" }),
  })
  .openapi("CreateProduct");

export const updateProductSchema = createProductSchema.partial().openapi("UpdateProduct");

export const shopSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    address: z.string(),
    company_id: z.number().int().nullable(),
    currency: z
      .string()
      .openapi({ example: "RUB", description: "ISO 4217: every figure of the shop is in it" }),
    time_zone: z.string().openapi({ example: "Europe/Moscow" }),
    day_starts_at: z.string().openapi({ pattern: "^\\d{2}:\\d{2}$", example: "04:00" }),
    rebuild_job_id: z.number().int().optional().openapi({
      description:
        "Only in the answer to a change of `time_zone` or `day_starts_at`: the job moving the shop's history (GET /api/v1/admin/jobs/{id})",
    }),
  })
  .openapi("Shop");

const timeZoneSchema = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    const canonical = canonicalTimeZone(name);
    if (canonical === null) ctx.addIssue({ code: "custom", message: "unknown IANA time zone" });
    return canonical ?? name;
  })
  .openapi({
    type: "string",
    example: "Europe/Moscow",
    description: "IANA time zone of the shop's business day (default UTC)",
  });

const DAY_START_PATTERN = "^(0\\d|1[0-2]):[0-5]\\d$";
const dayStartSchema = z
  .string()
  .regex(/^(0\d|1[0-2]):[0-5]\d$/, "HH:MM")
  .refine((v) => minutesOf(v) <= 12 * 60, { message: "must be 00:00..12:00" })
  .transform(minutesOf)
  .openapi({
    type: "string",
    pattern: DAY_START_PATTERN,
    example: "04:00",
    description: "Local time the business day starts, 00:00..12:00 (default 00:00)",
  });

export const createShopSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    address: z.string().trim().min(1).max(255),
    company_id: bodyIdSchema
      .nullable()
      .optional()
      .openapi({ description: "The network company that runs the shop" }),
    time_zone: timeZoneSchema.optional(),
    day_starts_at: dayStartSchema.optional(),
    currency: currencySchema.optional().openapi({
      example: "KZT",
      description:
        "ISO 4217 (default: the deployment's `CURRENCY`); changes only while the shop has no transactions",
    }),
  })
  .openapi("CreateShop");

export const updateShopSchema = createShopSchema.partial().openapi("UpdateShop");

export function serializeProduct(p: Product) {
  return {
    id: p.id,
    name: p.name,
    model: p.model,
    price: toMajor(p.priceMinor),
    prices: Object.fromEntries(
      Object.entries(p.prices).map(([code, minor]) => [code, toMajor(minor, exponentOf(code))]),
    ),
    release_date: p.releaseDate,
  };
}

export function serializeShop(s: Shop & { rebuildJobId?: number }) {
  return {
    id: s.id,
    name: s.name,
    address: s.address,
    company_id: s.companyId,
    currency: s.currency,
    time_zone: s.timeZone,
    day_starts_at: hhmmOf(s.dayStartMinutes),
    ...(s.rebuildJobId !== undefined && { rebuild_job_id: s.rebuildJobId }),
  };
}
