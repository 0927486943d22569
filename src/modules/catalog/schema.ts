import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const products = sqliteTable("products", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  model: text().notNull(),
  // `priceMinor` is in the deployment's CURRENCY; `prices` in any other, minor units by code.
  priceMinor: integer().notNull(),
  prices: text({ mode: "json" }).$type<Record<string, number>>().notNull().default({}),
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
  // ISO 4217: every figure of the shop is in it (docs/API.md#currencies). Shops from before
  // currencies existed get RUB, the deployment's CURRENCY then (migration 0019).
  currency: text().notNull().default("RUB"),
});

export type Product = typeof products.$inferSelect;
export type Shop = typeof shops.$inferSelect;
