import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: integer().primaryKey({ autoIncrement: true }),
  username: text().notNull().unique(),
  // Stored lower-cased so that uniqueness is case-insensitive.
  email: text().notNull().unique(),
  passwordHash: text().notNull(),
  companyId: integer(),
  registeredAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export const apiKeys = sqliteTable("api_keys", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  // SHA-256 of the key; the key itself is shown once and never stored.
  keyHash: text().notNull().unique(),
  prefix: text().notNull(),
  scopes: text({ mode: "json" }).$type<string[]>().notNull(),
  shopId: integer(),
  seller: text(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  revokedAt: integer({ mode: "timestamp_ms" }),
});
