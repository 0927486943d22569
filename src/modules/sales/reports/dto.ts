import { z } from "@hono/zod-openapi";

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM")
  .openapi({ pattern: "^\\d{4}-(0[1-9]|1[0-2])$", example: "2026-11" });

const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";
// No example: Swagger UI's "Try it out" sends examples, and `month` with `from`/`to` is a 400.
export const dateSchema = z.iso.date().openapi({ pattern: DATE_PATTERN });

/** The figures of docs/API.md#figures, money in major units. */
export const figuresSchema = z
  .object({
    gross: z.number().openapi({ description: "Σ quantity × unit price charged" }),
    discounts: z
      .number()
      .openapi({ description: "Σ line discounts and the receipts' spread discounts" }),
    refunds: z.number().openapi({ description: "Σ net refunded" }),
    net: z.number().openapi({ description: "gross − discounts − refunds" }),
    tax: z.number().openapi({ description: "Σ tax collected − tax refunded" }),
    collected: z.number().openapi({ description: "net + tax" }),
    items_sold: z.number().int(),
    items_refunded: z.number().int(),
    sales: z.number().int().openapi({ description: "Receipts" }),
    average_sale: z.number().nullable().openapi({
      description: "(gross − discounts) / sales, to the minor unit; null without sales",
    }),
    items_per_sale: z
      .number()
      .nullable()
      .openapi({ description: "items_sold / sales, to two decimals; null without sales" }),
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
        revenue: z.number().openapi({ description: "Net revenue (gross − discounts − refunds)" }),
      }),
    ),
    rebuilding: rebuildingSchema,
  })
  .openapi("TopShops");

export const topProductsSchema = z
  .object({
    period: z.string().openapi({ description: "YYYY-MM, `FROM..TO`, or `all` for all time" }),
    by: z.enum(["quantity", "net"]).openapi({ description: "What the products rank by" }),
    items: z.array(
      z.object({
        product_id: z.number().int(),
        name: z.string(),
        quantity: z.number().int().openapi({ description: "Net quantity (sold − refunded)" }),
        gross: z.number(),
        discounts: z.number(),
        net: z.number().openapi({ description: "gross − discounts − refunds" }),
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
