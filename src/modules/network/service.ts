import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { conflict, DomainError, type FieldError, invalidField } from "../../lib/errors";
import { inJson } from "../../lib/sql";
import type { ServiceContext } from "../../platform/context";
import { detachEmployees } from "../auth";
import { getProductsByIds } from "../catalog";
import { type CompanyInput, MAX_LEVEL } from "./dto";
import { getCompany } from "./queries";
import { type CompanyRow, companies, companyProducts } from "./schema";

export async function companyExists(ctx: ServiceContext, id: number): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: companies.id })
    .from(companies)
    .where(eq(companies.id, id));
  return row !== undefined;
}

async function getRow(db: Db, id: number): Promise<CompanyRow> {
  const [row] = await db.select().from(companies).where(eq(companies.id, id));
  if (!row) throw new DomainError("not_found", `There is no company ${id}.`);
  return row;
}

async function assertProductsExist(db: Db, ids: number[]) {
  const found = new Set((await getProductsByIds(db, ids)).map((p) => p.id));
  const errors: FieldError[] = ids.flatMap((id, i) =>
    found.has(id) ? [] : [{ path: `product_ids[${i}]`, message: `unknown product ${id}` }],
  );
  if (errors.length > 0)
    throw new DomainError("invalid", "Some products are not in the catalog.", errors);
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
  if (!parent) throw invalidField("supplier_id", `unknown company ${supplierId}`);
  const level = parent.level + 1;
  if (level + subtreeDepth > MAX_LEVEL) {
    throw invalidField(
      "supplier_id",
      `a network has at most ${MAX_LEVEL + 1} levels (factory to individual entrepreneur); this supplier would put a company at level ${level + subtreeDepth}`,
    );
  }
  return level;
}

/** The API's contact fields as columns (undefined ones are left out of an update by drizzle). */
function contactColumns<T extends CompanyInput>(
  input: T,
): Pick<T, "name" | "email" | "country" | "city" | "street"> & { houseNumber: T["house_number"] } {
  return {
    name: input.name,
    email: input.email,
    country: input.country,
    city: input.city,
    street: input.street,
    houseNumber: input.house_number,
  };
}

const factoryDebt = () => invalidField("debt", "a factory has no supplier to owe");

type NewCompany = Required<
  Pick<CompanyInput, "name" | "email" | "country" | "city" | "street" | "house_number">
> &
  CompanyInput;

export async function createCompany(ctx: ServiceContext, input: NewCompany) {
  const { db } = ctx;
  const supplierId = input.supplier_id ?? null;
  const level = await levelUnder(db, supplierId, 0);
  const debt = input.debt ?? 0;
  if (level === 0 && debt > 0) throw factoryDebt();
  const productIds = input.product_ids ?? [];
  await assertProductsExist(db, productIds);
  const [created] = await db
    .insert(companies)
    .values({
      ...contactColumns(input),
      level,
      supplierId,
      debtMinor: debt,
      createdAt: ctx.clock(),
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

/** The new level and the companies below that move with it, or a refusal (cycle, too deep). */
async function placement(db: Db, current: CompanyRow, supplierId: number | null) {
  const below = await subtree(db, current.id);
  if (supplierId !== null && below.some((c) => c.id === supplierId)) {
    throw conflict(`Company ${supplierId} is supplied by ${current.id}: that would make a cycle.`, [
      { path: "supplier_id", message: "would make a cycle" },
    ]);
  }
  const level = await levelUnder(db, supplierId, Math.max(...below.map((c) => c.depth)));
  return { level, moved: below.filter((c) => c.id !== current.id).map((c) => c.id) };
}

/**
 * Changes a company. A new supplier moves the whole subtree: refused when it would make a cycle
 * (409) or put any company below level 4 (400); otherwise every level below is shifted with it.
 */
export async function updateCompany(ctx: ServiceContext, id: number, input: CompanyInput) {
  const { db } = ctx;
  const current = await getRow(db, id);
  const supplierChanges =
    input.supplier_id !== undefined && input.supplier_id !== current.supplierId;
  const { level, moved } = supplierChanges
    ? await placement(db, current, input.supplier_id ?? null)
    : { level: current.level, moved: [] };
  const debt = input.debt ?? current.debtMinor;
  if (level === 0 && debt > 0) throw factoryDebt();
  if (input.product_ids) await assertProductsExist(db, input.product_ids);

  const delta = level - current.level;
  const update = db
    .update(companies)
    .set({
      ...contactColumns(input),
      ...(supplierChanges && { supplierId: input.supplier_id ?? null }),
      level,
      debtMinor: debt,
    })
    .where(eq(companies.id, id));
  const shift =
    delta !== 0 && moved.length > 0
      ? [
          db
            .update(companies)
            .set({ level: sql`${companies.level} + ${delta}` })
            .where(inJson(companies.id, moved)),
        ]
      : [];
  const products = input.product_ids
    ? [
        db.delete(companyProducts).where(eq(companyProducts.companyId, id)),
        ...(input.product_ids.length > 0
          ? [
              db
                .insert(companyProducts)
                .values(input.product_ids.map((productId) => ({ companyId: id, productId }))),
            ]
          : []),
      ]
    : [];
  await db.batch([update, ...shift, ...products]);
  return getCompany(db, id);
}

export async function deleteCompany(ctx: ServiceContext, id: number) {
  const { db } = ctx;
  await getRow(db, id);
  const [dependent] = await db
    .select({ id: companies.id })
    .from(companies)
    .where(eq(companies.supplierId, id))
    .limit(1);
  if (dependent)
    throw conflict(`Company ${id} supplies other companies; move or delete them first.`);
  await db.batch([
    db.delete(companyProducts).where(eq(companyProducts.companyId, id)),
    detachEmployees(db, id),
    db.delete(companies).where(eq(companies.id, id)),
  ]);
}

/** Sets the debt of the given companies to 0; returns how many existed. Safe to run again. */
export async function clearDebt(ctx: ServiceContext, ids: number[]): Promise<number> {
  let cleared = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const result = await ctx.db
      .update(companies)
      .set({ debtMinor: 0 })
      .where(inJson(companies.id, ids.slice(i, i + 1000)))
      .returning({ id: companies.id });
    cleared += result.length;
  }
  return cleared;
}

export async function qrText(db: Db, id: number) {
  const c = await getRow(db, id);
  const address = `${c.country}, ${c.city}, ${c.street}, ${c.houseNumber}`;
  return {
    name: c.name,
    text: `${c.name}\n${c.email}\n${address}`,
    contacts: { email: c.email, address },
  };
}

/** A product a company carries stays in the catalog. */
export async function companiesCarrying(ctx: ServiceContext, productId: number) {
  const rows = await ctx.db
    .select({ companyId: companyProducts.companyId })
    .from(companyProducts)
    .where(eq(companyProducts.productId, productId));
  return rows.length > 0
    ? `${rows.length} compan${rows.length === 1 ? "y carries" : "ies carry"} it`
    : null;
}
