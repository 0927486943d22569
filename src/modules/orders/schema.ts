import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const sellers = sqliteTable("sellers", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull().unique(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export const orders = sqliteTable(
  "orders",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    // Unique across sellers: another seller's number is a 409, never a second order.
    orderNumber: text().notNull().unique(),
    sellerId: integer().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    totalMinor: integer().notNull(),
    status: text().notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("orders_seller_created").on(t.sellerId, t.createdAt),
    index("orders_created").on(t.createdAt),
  ],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    orderId: integer().notNull(),
    sku: text().notNull(),
    name: text().notNull(),
    quantity: integer().notNull(),
    priceMinor: integer().notNull(),
  },
  (t) => [index("order_items_order").on(t.orderId)],
);

/** Written by the daily_order_stats job: one row per seller and UTC day. */
export const sellerDailyStats = sqliteTable(
  "seller_daily_stats",
  {
    sellerId: integer().notNull(),
    day: text().notNull(),
    ordersCount: integer().notNull(),
    revenueMinor: integer().notNull(),
    avgMinor: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sellerId, t.day] })],
);

export type OrderItem = typeof orderItems.$inferSelect;
/** All of a seller's orders (docs/API.md#orders), and how many of them are cancelled and what the rest bring. */
export type SellerStats = {
  user: string;
  ordersCount: number;
  revenueMinor: number;
  cancelledCount: number;
  revenueExcludingCancelledMinor: number;
};
export type OrderSummary = {
  orderNumber: string;
  user: string;
  createdAt: Date;
  totalMinor: number;
  status: string;
};
export type OrderWithItems = OrderSummary & { items: OrderItem[] };
