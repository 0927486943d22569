import { z } from "@hono/zod-openapi";

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM")
  .openapi({ pattern: "^\\d{4}-(0[1-9]|1[0-2])$", example: "2026-11" });

const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";
// No example: Swagger UI's "Try it out" sends examples, and `month` with `from`/`to` is a 400.
export const dateSchema = z.iso.date().openapi({ pattern: DATE_PATTERN });

/** The figures of docs/API.md#figures, money in major units: net = gross − refunds. */
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
