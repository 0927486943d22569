import { and, eq, gt, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { notFound } from "../../lib/errors";
import { inJson, startsWithAnyCase } from "../../lib/sql";
import { getProductsByIds } from "../catalog";
import { type CompanyView, companies, companyProducts } from "./schema";

const supplier = alias(companies, "supplier");

export type CompanyFilter = {
  ids?: number[];
  city?: string;
  country?: string;
  level?: number;
  product_id?: number;
  debt_above_average?: boolean;
  /** `prefix`: city and country match what they start with, in any case (the web admin's). */
  text_match?: "exact" | "prefix";
};

function conditions(filter: CompanyFilter, afterId: number): SQL[] {
  const where: SQL[] = [gt(companies.id, afterId)];
  if (filter.ids) where.push(inJson(companies.id, filter.ids));
  const matches = (column: typeof companies.city | typeof companies.country, text: string) =>
    filter.text_match === "prefix" ? startsWithAnyCase(column, text) : eq(column, text);
  if (filter.city) where.push(matches(companies.city, filter.city));
  if (filter.country) where.push(matches(companies.country, filter.country));
  if (filter.level !== undefined) where.push(eq(companies.level, filter.level));
  if (filter.product_id !== undefined) {
    where.push(
      sql`${companies.id} IN (SELECT ${companyProducts.companyId} FROM ${companyProducts} WHERE ${companyProducts.productId} = ${filter.product_id})`,
    );
  }
  if (filter.debt_above_average) {
    where.push(sql`${companies.debtMinor} > (SELECT avg(debt_minor) FROM ${companies})`);
  }
  return where;
}

/** A page of companies with their supplier's name and their products: three queries. */
export async function listCompanies(
  db: Db,
  filter: CompanyFilter,
  afterId: number,
  limit: number,
): Promise<{ items: CompanyView[]; hasMore: boolean }> {
  const rows = await db
    .select({ company: companies, supplierName: supplier.name })
    .from(companies)
    .leftJoin(supplier, eq(supplier.id, companies.supplierId))
    .where(and(...conditions(filter, afterId)))
    .orderBy(companies.id)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const links = page.length
    ? await db
        .select()
        .from(companyProducts)
        .where(
          inJson(
            companyProducts.companyId,
            page.map((r) => r.company.id),
          ),
        )
    : [];
  const products = new Map(
    (await getProductsByIds(db, [...new Set(links.map((l) => l.productId))])).map((p) => [p.id, p]),
  );
  const items = page.map(({ company, supplierName }) => ({
    ...company,
    supplierName,
    products: links
      .filter((l) => l.companyId === company.id)
      .flatMap((l) => products.get(l.productId) ?? [])
      .sort((a, b) => a.id - b.id),
  }));
  return { items, hasMore: rows.length > limit };
}

export async function getCompany(db: Db, id: number): Promise<CompanyView> {
  const { items } = await listCompanies(db, { ids: [id] }, 0, 1);
  const [company] = items;
  if (!company) throw notFound(`There is no company ${id}.`);
  return company;
}

/** The companies a company supplies directly (for its page). */
export async function customersOf(db: Db, id: number) {
  return db
    .select({ id: companies.id, name: companies.name, level: companies.level })
    .from(companies)
    .where(eq(companies.supplierId, id))
    .orderBy(companies.id)
    .limit(1000);
}
