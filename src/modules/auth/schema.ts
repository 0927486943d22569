import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { PageFlash } from "../../lib/flash";

export const users = sqliteTable("users", {
  id: integer().primaryKey({ autoIncrement: true }),
  username: text().notNull().unique(),
  // Stored lower-cased so that uniqueness is case-insensitive.
  email: text().notNull().unique(),
  passwordHash: text().notNull(),
  companyId: integer(),
  // Web roles, granted by an admin: "admin" (everything the operator token gets), "owner" (every
  // report) or "manager" (the reports of `shopIds` only, docs/API.md#managers).
  role: text({ enum: ["admin", "owner", "manager"] }),
  shopIds: text({ mode: "json" }).$type<number[]>(),
  registeredAt: integer({ mode: "timestamp_ms" }).notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    name: text().notNull(),
    // SHA-256 of the key; the key itself is shown once and never stored.
    keyHash: text().notNull().unique(),
    prefix: text().notNull(),
    scopes: text({ mode: "json" }).$type<string[]>().notNull(),
    shopId: integer(),
    seller: text(),
    // A reports:read key bound to these shops; null: every shop.
    shopIds: text({ mode: "json" }).$type<number[]>(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    revokedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("api_keys_shop").on(t.shopId)],
);

/** Web sign-ins: the cookie carries a random id, D1 keeps only its hash. */
export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text().primaryKey(),
    userId: integer().notNull(),
    // Per session: the form token every POST of its pages must carry.
    csrfToken: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    // What the next page shows once (an outcome, a new key): set by the server, never by a URL.
    flash: text({ mode: "json" }).$type<PageFlash>(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
