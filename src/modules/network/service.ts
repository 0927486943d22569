import { and, eq, gt, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { ApiError, type FieldError } from "../../lib/errors";
import { toMajor } from "../../lib/money";
import { detachEmployees } from "../auth/service";
import { getProductsByIds } from "../sales/catalog";
import { type CompanyInput, LEVEL_NAMES, MAX_LEVEL } from "./dto";
import { companies, companyProducts } from "./schema";

type CompanyRow = typeof companies.$inferSelect;
const supplier = alias(companies, "supplier");

function invalid(path: string, message: string): ApiError {
  return new ApiError("validation_failed", message, { errors: [{ path, message }] });
}

export async function companyExists(db: Db, id: number): Promise<boolean> {
  const [row] = await db.select({ id: companies.id }).from(companies).where(eq(companies.id, id));
  return row !== undefined;
}

async function getRow(db: Db, id: number): Promise<CompanyRow> {
  const [row] = await db.select().from(companies).where(eq(companies.id, id));
  if (!row) throw new ApiError("not_found", `There is no company ${id}.`);
  return row;
}

async function assertProductsExist(db: Db, ids: number[]) {
  const found = new Set((await getProductsByIds(db, ids)).map((p) => p.id));
  const errors: FieldError[] = ids.flatMap((id, i) =>
    found.has(id) ? [] : [{ path: `product_ids[${i}]`, message: `unknown product ${id}` }],
  );
  if (errors.length > 0)
    throw new ApiError("validation_failed", "Some products are not in the catalog.", { errors });
}

/** The company and everything it supplies, directly or not, with each one's depth below it. */
async function subtree(db: Db, id: number) {
  const { results } = await db.$client
    .prepare(
      `WITH RECURSIVE sub(id, depth) AS (
         SELECT id, 0 FROM companies WHERE id = ?1
         UNION ALL SELECT c.id, sub.depth + 1 FROM companies c JOIN sub ON c.supplier_id = sub.id
           WHERE sub.depth < ${MAX_LEVEL + 1})
       SELECT id, depth FROM sub`,
    )
    .bind(id)
    .all<{ id: number; depth: number }>();
  return results;
}

/** The level a company gets under `supplierId` (null: a factory), checked against the depth limit. */
async function levelUnder(
  db: Db,
  supplierId: number | null,
  subtreeDepth: number,
): Promise<number> {
  if (supplierId === null) return 0;
  const [parent] = await db.select().from(companies).where(eq(companies.id, supplierId));
  if (!parent) throw invalid("supplier_id", `unknown company ${supplierId}`);
  const level = parent.level + 1;
  if (level + subtreeDepth > MAX_LEVEL) {
    throw invalid(
      "supplier_id",
      `a network has at most ${MAX_LEVEL + 1} levels (factory to individual entrepreneur); this supplier would put a company at level ${level + subtreeDepth}`,
    );
  }
  return level;
}

export async function createCompany(
  db: Db,
  input: Required<
    Pick<CompanyInput, "name" | "email" | "country" | "city" | "street" | "house_number">
  > &
    CompanyInput,
  now: Date,
) {
  const supplierId = input.supplier_id ?? null;
  const level = await levelUnder(db, supplierId, 0);
  const debt = input.debt ?? 0;
  if (level === 0 && debt > 0) throw invalid("debt", "a factory has no supplier to owe");
  const productIds = input.product_ids ?? [];
  await assertProductsExist(db, productIds);
  const [created] = await db
    .insert(companies)
    .values({
      name: input.name,
      email: input.email,
      country: input.country,
      city: input.city,
      street: input.street,
      houseNumber: input.house_number,
      level,
      supplierId,
      debtMinor: debt,
      createdAt: now,
    })
    .returning();
  if (!created) throw new Error("company row was not created");
  if (productIds.length > 0) {
    await db
      .insert(companyProducts)
      .values(productIds.map((productId) => ({ companyId: created.id, productId })));
  }
  return getCompany(db, created.id);
}

/**
 * Changes a company. A new supplier moves the whole subtree: refused when it would make a cycle
 * (409) or put any company below level 4 (400); otherwise every level below is shifted with it.
 */
export async function updateCompany(db: Db, id: number, input: CompanyInput) {
  const current = await getRow(db, id);
  let level = current.level;
  let shift: number[] = [];
  const supplierChanges =
    input.supplier_id !== undefined && input.supplier_id !== current.supplierId;
  if (supplierChanges) {
    const below = await subtree(db, id);
    const newSupplier = input.supplier_id ?? null;
    if (newSupplier !== null && below.some((c) => c.id === newSupplier)) {
      throw new ApiError(
        "conflict",
        `Company ${newSupplier} is supplied by ${id}: that would make a cycle.`,
        {
          errors: [{ path: "supplier_id", message: "would make a cycle" }],
        },
      );
    }
    level = await levelUnder(db, newSupplier, Math.max(...below.map((c) => c.depth)));
    shift = below.filter((c) => c.id !== id).map((c) => c.id);
  }
  const debt = input.debt ?? current.debtMinor;
  if (level === 0 && debt > 0) throw invalid("debt", "a factory has no supplier to owe");
  if (input.product_ids) await assertProductsExist(db, input.product_ids);

  const delta = level - current.level;
  const statements = [
    db
      .update(companies)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.email !== undefined && { email: input.email }),
        ...(input.country !== undefined && { country: input.country }),
        ...(input.city !== undefined && { city: input.city }),
        ...(input.street !== undefined && { street: input.street }),
        ...(input.house_number !== undefined && { houseNumber: input.house_number }),
        ...(supplierChanges && { supplierId: input.supplier_id ?? null }),
        level,
        debtMinor: debt,
      })
      .where(eq(companies.id, id)),
  ];
  if (delta !== 0 && shift.length > 0) {
    statements.push(
      db
        .update(companies)
        .set({ level: sql`${companies.level} + ${delta}` })
        .where(sql`${companies.id} IN (SELECT value FROM json_each(${JSON.stringify(shift)}))`),
    );
  }
  const [first, ...rest] = statements;
  if (!first) throw new Error("no statements");
  if (input.product_ids) {
    await db.batch([
      first,
      ...rest,
      db.delete(companyProducts).where(eq(companyProducts.companyId, id)),
      ...(input.product_ids.length > 0
        ? [
            db
              .insert(companyProducts)
              .values(input.product_ids.map((productId) => ({ companyId: id, productId }))),
          ]
        : []),
    ]);
  } else {
    await db.batch([first, ...rest]);
  }
  return getCompany(db, id);
}

export async function deleteCompany(db: Db, id: number) {
  await getRow(db, id);
  const [dependent] = await db
    .select({ id: companies.id })
    .from(companies)
    .where(eq(companies.supplierId, id))
    .limit(1);
  if (dependent) {
    throw new ApiError(
      "conflict",
      `Company ${id} supplies other companies; move or delete them first.`,
    );
  }
  await db.batch([
    db.delete(companyProducts).where(eq(companyProducts.companyId, id)),
    detachEmployees(db, id),
    db.delete(companies).where(eq(companies.id, id)),
  ]);
}

export type CompanyFilter = {
  ids?: number[];
  city?: string;
  country?: string;
  level?: number;
  product_id?: number;
  debt_above_average?: boolean;
};

export async function listCompanies(db: Db, filter: CompanyFilter, afterId: number, limit: number) {
  const where: SQL[] = [gt(companies.id, afterId)];
  if (filter.ids)
    where.push(
      sql`${companies.id} IN (SELECT value FROM json_each(${JSON.stringify(filter.ids)}))`,
    );
  if (filter.city) where.push(eq(companies.city, filter.city));
  if (filter.country) where.push(eq(companies.country, filter.country));
  if (filter.level !== undefined) where.push(eq(companies.level, filter.level));
  if (filter.product_id !== undefined) {
    where.push(
      sql`${companies.id} IN (SELECT ${companyProducts.companyId} FROM ${companyProducts} WHERE ${companyProducts.productId} = ${filter.product_id})`,
    );
  }
  if (filter.debt_above_average) {
    where.push(sql`${companies.debtMinor} > (SELECT avg(debt_minor) FROM ${companies})`);
  }
  const rows = await db
    .select({ company: companies, supplierName: supplier.name })
    .from(companies)
    .leftJoin(supplier, eq(supplier.id, companies.supplierId))
    .where(and(...where))
    .orderBy(companies.id)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const links = page.length
    ? await db
        .select()
        .from(companyProducts)
        .where(
          sql`${companyProducts.companyId} IN (SELECT value FROM json_each(${JSON.stringify(page.map((r) => r.company.id))}))`,
        )
    : [];
  const products = new Map(
    (await getProductsByIds(db, [...new Set(links.map((l) => l.productId))])).map((p) => [p.id, p]),
  );
  const items = page.map(({ company, supplierName }) => ({
    id: company.id,
    name: company.name,
    email: company.email,
    country: company.country,
    city: company.city,
    street: company.street,
    house_number: company.houseNumber,
    level: company.level,
    level_name: LEVEL_NAMES[company.level] ?? LEVEL_NAMES[0],
    supplier_id: company.supplierId,
    supplier:
      company.supplierId !== null && supplierName !== null
        ? { id: company.supplierId, name: supplierName }
        : null,
    debt: toMajor(company.debtMinor),
    created_at: company.createdAt.toISOString(),
    products: links
      .filter((l) => l.companyId === company.id)
      .flatMap((l) => {
        const p = products.get(l.productId);
        return p ? [{ id: p.id, name: p.name, model: p.model, release_date: p.releaseDate }] : [];
      })
      .sort((a, b) => a.id - b.id),
  }));
  return { items, hasMore: rows.length > limit };
}

export async function getCompany(db: Db, id: number) {
  const { items } = await listCompanies(db, { ids: [id] }, 0, 1);
  const [company] = items;
  if (!company) throw new ApiError("not_found", `There is no company ${id}.`);
  return company;
}

/** Sets the debt of the given companies to 0; returns how many existed. Safe to run again. */
export async function clearDebt(db: Db, ids: number[]): Promise<number> {
  let cleared = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const part = JSON.stringify(ids.slice(i, i + 1000));
    const result = await db
      .update(companies)
      .set({ debtMinor: 0 })
      .where(sql`${companies.id} IN (SELECT value FROM json_each(${part}))`)
      .returning({ id: companies.id });
    cleared += result.length;
  }
  return cleared;
}

export async function qrText(db: Db, id: number): Promise<{ name: string; text: string }> {
  const c = await getRow(db, id);
  return {
    name: c.name,
    text: `${c.name}\n${c.email}\n${c.country}, ${c.city}, ${c.street}, ${c.houseNumber}`,
  };
}

/** How many companies carry a product (a carried product is not deleted from the catalog). */
export async function companiesCarrying(db: Db, productId: number): Promise<number> {
  const rows = await db
    .select({ companyId: companyProducts.companyId })
    .from(companyProducts)
    .where(eq(companyProducts.productId, productId));
  return rows.length;
}
