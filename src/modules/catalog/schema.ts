import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const products = sqliteTable("products", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  model: text().notNull(),
  priceMinor: integer().notNull(),
  releaseDate: text().notNull(),
});

export const shops = sqliteTable("shops", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  address: text().notNull(),
  companyId: integer(),
  // The business day (docs/API.md#business-days): an IANA zone and the local time the day starts, in minutes.
  timeZone: text().notNull().default("UTC"),
  dayStartMinutes: integer().notNull().default(0),
});

export type Product = typeof products.$inferSelect;
export type Shop = typeof shops.$inferSelect;
