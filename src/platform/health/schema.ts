import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Flags the local tools set about the deployment, e.g. `seeding` while demo data loads. */
export const platformState = sqliteTable("platform_state", {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});
