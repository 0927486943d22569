import { eq, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowsAfter } from "../../db/pages";
import { conflict, invalidField, notFound } from "../../lib/errors";
import { inJson, startsWithAnyCase } from "../../lib/sql";
import type { Entity, ServiceContext } from "../../platform/context";
import { type Product, products, type Shop, shops } from "./schema";
import { invalidateCatalog } from "./snapshot";

/** A page of products; `search`: the name or model starts with it, in any case. */
export const listProducts = (db: Db, afterId: number, limit: number, search?: string) =>
  rowsAfter(
    db,
    products,
    afterId,
    limit,
    search
      ? or(startsWithAnyCase(products.name, search), startsWithAnyCase(products.model, search))
      : undefined,
  );

/** A page of shops; `search`: the name or the address starts with it, in any case. */
export const listShops = (db: Db, afterId: number, limit: number, search?: string) =>
  rowsAfter(
    db,
    shops,
    afterId,
    limit,
    search
      ? or(startsWithAnyCase(shops.name, search), startsWithAnyCase(shops.address, search))
      : undefined,
  );

export async function getProduct(db: Db, id: number): Promise<Product> {
  const [row] = await db.select().from(products).where(eq(products.id, id));
  if (!row) throw notFound(`There is no product ${id}.`);
  return row;
}

export async function getShop(db: Db, id: number): Promise<Shop> {
  const [row] = await db.select().from(shops).where(eq(shops.id, id));
  if (!row) throw notFound(`There is no shop ${id}.`);
  return row;
}

/** Products by id, in id order (for other modules, e.g. the products a company carries). */
export async function getProductsByIds(db: Db, ids: readonly number[]): Promise<Product[]> {
  if (ids.length === 0) return [];
  return db.select().from(products).where(inJson(products.id, ids)).orderBy(products.id);
}

export async function productExists(ctx: ServiceContext, id: number): Promise<boolean> {
  const [row] = await ctx.db.select({ id: products.id }).from(products).where(eq(products.id, id));
  return row !== undefined;
}

export async function shopExists(ctx: ServiceContext, id: number): Promise<boolean> {
  const [row] = await ctx.db.select({ id: shops.id }).from(shops).where(eq(shops.id, id));
  return row !== undefined;
}

export async function createProduct(ctx: ServiceContext, values: Omit<Product, "id">) {
  const [row] = await ctx.db.insert(products).values(values).returning();
  invalidateCatalog();
  if (!row) throw new Error("product row was not created");
  return row;
}

/** Past sales keep the price they were sold at: they store their own unit price. */
export async function updateProduct(
  ctx: ServiceContext,
  id: number,
  values: Partial<Omit<Product, "id">>,
): Promise<Product> {
  if (Object.keys(values).length === 0) return getProduct(ctx.db, id);
  const [row] = await ctx.db.update(products).set(values).where(eq(products.id, id)).returning();
  if (!row) throw notFound(`There is no product ${id}.`);
  invalidateCatalog();
  return row;
}

async function assertCompany(ctx: ServiceContext, companyId: number | null | undefined) {
  if (companyId != null && !(await ctx.links.exists(ctx, "company", companyId))) {
    throw invalidField("company_id", `unknown company ${companyId}`);
  }
}

export async function createShop(ctx: ServiceContext, values: Omit<Shop, "id">): Promise<Shop> {
  await assertCompany(ctx, values.companyId);
  const [row] = await ctx.db.insert(shops).values(values).returning();
  invalidateCatalog();
  if (!row) throw new Error("shop row was not created");
  return row;
}

/**
 * Updates a shop; a new time zone or day start moves its history to the new business days
 * (`rebuildJobId`: the job that does it, followed at GET /api/v1/admin/jobs/:id).
 */
export async function updateShop(
  ctx: ServiceContext,
  id: number,
  values: Partial<Omit<Shop, "id">>,
): Promise<Shop & { rebuildJobId?: number }> {
  if (Object.keys(values).length === 0) return getShop(ctx.db, id);
  const before = await getShop(ctx.db, id);
  await assertCompany(ctx, values.companyId);
  if (values.currency !== undefined && values.currency !== before.currency) {
    // Its rollups and stored amounts are in the old currency's minor units: they would change
    // meaning. (A sale still being accepted with the old snapshot is buffered, and counts here.)
    const reasons = await ctx.links.referencesTo(ctx, "shop", id);
    if (reasons.length > 0)
      throw conflict(
        `The shop's currency stays ${before.currency}: ${reasons.join("; ")}. A currency changes only while the shop has no transactions.`,
        [{ path: "currency", message: `stays ${before.currency}: the shop has transactions` }],
      );
  }
  const [row] = await ctx.db.update(shops).set(values).where(eq(shops.id, id)).returning();
  if (!row) throw notFound(`There is no shop ${id}.`);
  invalidateCatalog();
  if (row.timeZone !== before.timeZone || row.dayStartMinutes !== before.dayStartMinutes) {
    // Its history moves to the new business days (the sales module re-buckets it).
    const [rebuildJobId] = await ctx.links.changed(ctx, "shop", id);
    if (rebuildJobId !== undefined) return { ...row, rebuildJobId };
  }
  return row;
}

/**
 * Deletes a product or shop nothing refers to. Every module that refers to catalog entries
 * answers (sales: sold or still buffered in a shard; the network: carried by a company).
 */
async function deleteUnreferenced(ctx: ServiceContext, entity: Entity, id: number) {
  const table = entity === "product" ? products : shops;
  const [row] = await ctx.db.select({ id: table.id }).from(table).where(eq(table.id, id));
  if (!row) throw notFound(`There is no ${entity} ${id}.`);
  const reasons = await ctx.links.referencesTo(ctx, entity, id);
  if (reasons.length > 0) {
    throw conflict(`The ${entity} ${id} stays: ${reasons.join("; ")}.`);
  }
  await ctx.db.delete(table).where(eq(table.id, id));
  invalidateCatalog();
}

export const deleteProduct = (ctx: ServiceContext, id: number) =>
  deleteUnreferenced(ctx, "product", id);
export const deleteShop = (ctx: ServiceContext, id: number) => deleteUnreferenced(ctx, "shop", id);
