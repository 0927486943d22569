import type { Db } from "../../db/client";
import { type Product, products, type Shop, shops } from "./schema";

// The hot path reads the catalog from this per-isolate snapshot, never from D1 per request.
// A price change reaches other isolates within CATALOG_TTL_MS; the changing isolate at once.
const CATALOG_TTL_MS = 10_000;
// An unknown id reloads the snapshot (a product created a moment ago), at most this often.
const MISS_RELOAD_MS = 1_000;

export type CatalogSnapshot = {
  products: Map<number, Product>;
  shops: Map<number, Shop>;
  loadedAt: number;
};

let snapshot: CatalogSnapshot | undefined;
// When a request took on the reload of a stale snapshot; others keep the stale one meanwhile.
// (No load promise is shared: Workers cannot hand one request's I/O to another.)
let reloadClaimedAt = 0;
const RELOAD_CLAIM_MS = 2_000;
let missReloadAt = 0;

async function load(db: Db): Promise<CatalogSnapshot> {
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

async function refresh(db: Db): Promise<CatalogSnapshot> {
  const fresh = await load(db);
  if (!snapshot || fresh.loadedAt >= snapshot.loadedAt) snapshot = fresh;
  return fresh;
}

/** The isolate's catalog snapshot, reloaded by one request when it is older than its TTL. */
export async function catalogSnapshot(db: Db): Promise<CatalogSnapshot> {
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
  productIds: readonly number[],
  shopIds: readonly number[],
): Promise<CatalogSnapshot> {
  let current = await catalogSnapshot(db);
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
