import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Product } from "../catalog";

export const companies = sqliteTable(
  "companies",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    name: text().notNull(),
    email: text().notNull(),
    country: text().notNull(),
    city: text().notNull(),
    street: text().notNull(),
    houseNumber: text().notNull(),
    // 0 factory … 4 individual entrepreneur: always the supplier's level + 1.
    level: integer().notNull(),
    supplierId: integer(),
    debtMinor: integer().notNull().default(0),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("companies_supplier").on(t.supplierId),
    index("companies_country_city").on(t.country, t.city),
    index("companies_level").on(t.level),
  ],
);

export const companyProducts = sqliteTable(
  "company_products",
  {
    companyId: integer().notNull(),
    productId: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.companyId, t.productId] }),
    index("company_products_product").on(t.productId),
  ],
);

export type CompanyRow = typeof companies.$inferSelect;
/** A company as the API shows it: its row, its supplier's name and the products it carries. */
export type CompanyView = CompanyRow & { supplierName: string | null; products: Product[] };
