import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const robotModels = sqliteTable("robot_models", {
  id: integer().primaryKey({ autoIncrement: true }),
  code: text().notNull().unique(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export const robots = sqliteTable(
  "robots",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    serial: text().notNull(),
    model: text().notNull(),
    version: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    status: text({ enum: ["in_stock", "reserved"] }).notNull(),
    orderId: integer(),
  },
  (t) => [
    index("robots_created").on(t.createdAt),
    index("robots_serial_status").on(t.serial, t.status),
  ],
);

/** A customer's request for a serial: reserved at once from stock, or waiting for production. */
export const robotOrders = sqliteTable(
  "robot_orders",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    email: text().notNull(),
    serial: text().notNull(),
    status: text({ enum: ["waiting", "reserved"] }).notNull(),
    robotId: integer(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("robot_orders_serial_status").on(t.serial, t.status, t.createdAt)],
);
