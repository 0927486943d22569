import { eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ApiError } from "../../lib/errors";
import { productMonthQuantity, products, shops } from "./schema";

export type Product = typeof products.$inferSelect;
export type Shop = typeof shops.$inferSelect;

// The hot path reads the catalog from this per-isolate snapshot, never from D1 per request.
// A price change reaches other isolates within CATALOG_TTL_MS; the changing isolate at once.
const CATALOG_TTL_MS = 10_000;
// An unknown id reloads the snapshot (a product created a moment ago), at most this often.
const MISS_RELOAD_MS = 1_000;

type Snapshot = {
  products: Map<number, Product>;
  shops: Map<number, Shop>;
  loadedAt: number;
};

let snapshot: Snapshot | undefined;
// When a request took on the reload of a stale snapshot; others keep the stale one meanwhile.
// (No load promise is shared: Workers cannot hand one request's I/O to another.)
let reloadClaimedAt = 0;
const RELOAD_CLAIM_MS = 2_000;
let missReloadAt = 0;

async function load(db: Db): Promise<Snapshot> {
  const [productRows, shopRows] = await db.batch([
    db.select().from(products),
    db.select().from(shops),
  ]);
  return {
    products: new Map(productRows.map((p) => [p.id, p])),
    shops: new Map(shopRows.map((s) => [s.id, s])),
    loadedAt: Date.now(),
  };
}

async function refresh(db: Db): Promise<Snapshot> {
  const fresh = await load(db);
  if (!snapshot || fresh.loadedAt >= snapshot.loadedAt) snapshot = fresh;
  return fresh;
}

export async function catalog(db: Db): Promise<Snapshot> {
  const now = Date.now();
  if (snapshot && now - snapshot.loadedAt < CATALOG_TTL_MS) return snapshot;
  // Stale: one request reloads, the others serve the stale snapshot until it lands.
  if (snapshot && now - reloadClaimedAt < RELOAD_CLAIM_MS) return snapshot;
  reloadClaimedAt = now;
  return refresh(db);
}

/** Looks ids up in the snapshot, reloading once if one is missing and the snapshot is not fresh. */
export async function resolveCatalog(
  db: Db,
  productIds: number[],
  shopIds: number[],
): Promise<Snapshot> {
  let current = await catalog(db);
  const missing =
    productIds.some((id) => !current.products.has(id)) ||
    shopIds.some((id) => !current.shops.has(id));
  const now = Date.now();
  if (missing && now - current.loadedAt >= MISS_RELOAD_MS && now - missReloadAt >= MISS_RELOAD_MS) {
    missReloadAt = now;
    current = await refresh(db);
  }
  return current;
}

export function invalidateCatalog(): void {
  snapshot = undefined;
}

export async function listProducts(db: Db, afterId: number, limit: number) {
  return db
    .select()
    .from(products)
    .where(gt(products.id, afterId))
    .orderBy(products.id)
    .limit(limit + 1);
}

export async function listShops(db: Db, afterId: number, limit: number) {
  return db
    .select()
    .from(shops)
    .where(gt(shops.id, afterId))
    .orderBy(shops.id)
    .limit(limit + 1);
}

export async function getProduct(db: Db, id: number): Promise<Product> {
  const [row] = await db.select().from(products).where(eq(products.id, id));
  if (!row) throw new ApiError("not_found", `There is no product ${id}.`);
  return row;
}

export async function createProduct(db: Db, values: Omit<Product, "id">): Promise<Product> {
  const [row] = await db.insert(products).values(values).returning();
  invalidateCatalog();
  if (!row) throw new Error("product row was not created");
  return row;
}

/** Past sales keep the price they were sold at: they store their own unit price. */
export async function updateProduct(db: Db, id: number, values: Partial<Omit<Product, "id">>) {
  if (Object.keys(values).length === 0) return getProduct(db, id);
  const [row] = await db.update(products).set(values).where(eq(products.id, id)).returning();
  if (!row) throw new ApiError("not_found", `There is no product ${id}.`);
  invalidateCatalog();
  return row;
}

export async function createShop(db: Db, values: Omit<Shop, "id">): Promise<Shop> {
  const [row] = await db.insert(shops).values(values).returning();
  invalidateCatalog();
  if (!row) throw new Error("shop row was not created");
  return row;
}

export async function updateShop(db: Db, id: number, values: Partial<Omit<Shop, "id">>) {
  if (Object.keys(values).length === 0) {
    const [row] = await db.select().from(shops).where(eq(shops.id, id));
    if (!row) throw new ApiError("not_found", `There is no shop ${id}.`);
    return row;
  }
  const [row] = await db.update(shops).set(values).where(eq(shops.id, id)).returning();
  if (!row) throw new ApiError("not_found", `There is no shop ${id}.`);
  invalidateCatalog();
  return row;
}

/** Products by id (for other modules, e.g. the products a company carries). */
export async function getProductsByIds(db: Db, ids: number[]): Promise<Product[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(products)
    .where(sql`${products.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
    .orderBy(products.id);
}

/** Whether any flushed sale names the product (its monthly rollup exists). */
export async function productHasSales(db: Db, id: number): Promise<boolean> {
  const [row] = await db
    .select({ id: productMonthQuantity.productId })
    .from(productMonthQuantity)
    .where(eq(productMonthQuantity.productId, id))
    .limit(1);
  return row !== undefined;
}

export async function deleteProduct(db: Db, id: number): Promise<void> {
  const [gone] = await db
    .delete(products)
    .where(eq(products.id, id))
    .returning({ id: products.id });
  if (!gone) throw new ApiError("not_found", `There is no product ${id}.`);
  invalidateCatalog();
}
