import { z } from "@hono/zod-openapi";
import { averageMinor, moneySchema, toMajor } from "../../lib/money";
import { decodeCursor, encodeCursor, pageQuerySchema } from "../../lib/pagination";
import type { OrderSummary, OrderWithItems, SellerStats } from "./schema";

export const MAX_ORDERS = 1000;
// total_amount < 10^10 in major units
const MAX_TOTAL_MINOR = 10 ** 12 - 1;

const money = (maxMinor: number, example: number) =>
  moneySchema(maxMinor).openapi({
    type: "number",
    minimum: 0,
    maximum: maxMinor / 100,
    multipleOf: 0.01,
    example,
  });

const itemSchema = z.strictObject({
  sku: z.string().trim().min(1).max(50),
  name: z.string().trim().min(1).max(255),
  quantity: z.number().int().min(1).max(1_000_000),
  price: money(MAX_TOTAL_MINOR, 199.99),
});

const orderSchema = z.strictObject({
  order_number: z.string().trim().min(1).max(50),
  created_at: z.iso
    .datetime({ offset: true })
    .openapi({ format: "date-time", example: "2026-11-20T10:00:00Z" }),
  total_amount: money(MAX_TOTAL_MINOR, 599.97),
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
    orders_count: z.number().int().openapi({
      description: "Every order of the seller, cancelled ones included (docs/API.md#orders)",
    }),
    total_revenue: z.number().openapi({ description: "Sum of total_amount of all those orders" }),
    avg_order_value: z.number().openapi({
      description: "total_revenue / orders_count, half up to the kopeck; 0 without orders",
    }),
    cancelled_count: z
      .number()
      .int()
      .openapi({ description: "Orders whose status is `cancelled` (or `canceled`), in any case" }),
    revenue_excluding_cancelled: z
      .number()
      .openapi({ description: "total_revenue without the cancelled orders' totals" }),
  })
  .openapi("SellerStats");

export const dailyStatsSchema = z
  .object({
    user: z.string(),
    next_cursor: z.string().nullable(),
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

export const dailyQuerySchema = pageQuerySchema.extend(userQuerySchema.shape).extend({
  from: z.iso.date().optional().openapi({ example: "2026-11-01" }),
  to: z.iso.date().optional().openapi({ example: "2026-11-30" }),
});

export function serializeStats(s: SellerStats) {
  return {
    user: s.user,
    orders_count: s.ordersCount,
    total_revenue: toMajor(s.revenueMinor),
    avg_order_value: toMajor(averageMinor(s.revenueMinor, s.ordersCount)),
    cancelled_count: s.cancelledCount,
    revenue_excluding_cancelled: toMajor(s.revenueExcludingCancelledMinor),
  };
}

export function serializeOrder(o: OrderSummary & Partial<Pick<OrderWithItems, "items">>) {
  return {
    order_number: o.orderNumber,
    user: o.user,
    created_at: o.createdAt.toISOString(),
    total_amount: toMajor(o.totalMinor),
    status: o.status,
    items: (o.items ?? []).map((i) => ({
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      price: toMajor(i.priceMinor),
    })),
  };
}

// Daily rows page by day: the cursor is the last day served as a number (2026-11-30 → 20261130).
const dayCursor = (day: string) => encodeCursor(Number(day.replaceAll("-", "")));

export function dayAfterCursor(cursor: string | undefined): string | undefined {
  const after = decodeCursor(cursor);
  return after > 0 ? String(after).replace(/^(\d{4})(\d{2})(\d{2})$/, "$1-$2-$3") : undefined;
}

export function serializeDaily(
  user: string,
  rows: { day: string; ordersCount: number; revenueMinor: number; avgMinor: number }[],
  limit: number,
) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    user,
    items: page.map((r) => ({
      day: r.day,
      orders_count: r.ordersCount,
      total_revenue: toMajor(r.revenueMinor),
      avg_order_value: toMajor(r.avgMinor),
    })),
    next_cursor: rows.length > limit && last ? dayCursor(last.day) : null,
  };
}
