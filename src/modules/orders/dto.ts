import { z } from "@hono/zod-openapi";
import { moneySchema } from "../../lib/money";

export const MAX_ORDERS = 1000;
const MAX_TOTAL_MINOR = 10 ** 12; // total_amount < 10^10 in major units

const itemSchema = z.strictObject({
  sku: z.string().trim().min(1).max(50),
  name: z.string().trim().min(1).max(255),
  quantity: z.number().int().min(1),
  price: moneySchema.openapi({ type: "number", example: 199.99 }),
});

const orderSchema = z.strictObject({
  order_number: z.string().trim().min(1).max(50),
  created_at: z.iso.datetime({ offset: true }).openapi({ example: "2026-11-20T10:00:00Z" }),
  total_amount: moneySchema
    .refine((minor) => minor < MAX_TOTAL_MINOR, { message: "must be less than 10^10" })
    .openapi({ type: "number", example: 599.97 }),
  status: z.string().trim().min(1).max(20),
  items: z.array(itemSchema).min(1),
});

export const uploadSchema = z
  .strictObject({
    user: z.string().trim().min(1).max(50),
    orders: z.array(orderSchema).min(1).max(MAX_ORDERS),
  })
  .superRefine((body, ctx) => {
    const first = new Map<string, number>();
    body.orders.forEach((order, index) => {
      const seen = first.get(order.order_number);
      if (seen === undefined) first.set(order.order_number, index);
      else {
        ctx.addIssue({
          code: "custom",
          path: ["orders", index, "order_number"],
          message: `repeats orders[${seen}].order_number`,
        });
      }
    });
  })
  .openapi("OrderUpload");

export type Upload = z.infer<typeof uploadSchema>;

export const uploadResultSchema = z
  .object({ user: z.string(), created: z.number().int(), updated: z.number().int() })
  .openapi("OrderUploadResult");

export const orderOutSchema = z
  .object({
    order_number: z.string(),
    user: z.string(),
    created_at: z.string(),
    total_amount: z.number(),
    status: z.string(),
    items: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        price: z.number(),
      }),
    ),
  })
  .openapi("Order");

export const statsSchema = z
  .object({
    user: z.string(),
    orders_count: z.number().int(),
    total_revenue: z.number(),
    avg_order_value: z.number(),
  })
  .openapi("SellerStats");

export const dailyStatsSchema = z
  .object({
    user: z.string(),
    items: z.array(
      z.object({
        day: z.string(),
        orders_count: z.number().int(),
        total_revenue: z.number(),
        avg_order_value: z.number(),
      }),
    ),
  })
  .openapi("SellerDailyStats");

export const userQuerySchema = z.object({
  user: z.string().trim().min(1).max(50).openapi({ example: "test_seller" }),
});

export const dailyQuerySchema = userQuerySchema.extend({
  from: z.iso.date().optional().openapi({ example: "2026-11-01" }),
  to: z.iso.date().optional().openapi({ example: "2026-11-30" }),
});
