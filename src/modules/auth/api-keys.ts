import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowsAfter } from "../../db/pages";
import type { Principal, Scope } from "../../env";
import { bytesToBase64Url, randomBytes, sha256Hex } from "../../lib/crypto";
import { invalidField } from "../../lib/errors";
import type { ServiceContext } from "../../platform/context";
import { TtlCache } from "./cache";
import { apiKeys } from "./schema";
import { assertShops } from "./users";

export const KEY_PREFIX = "re_";
// A revoked key stops working in other isolates once their cached entry expires.
export const KEY_CACHE_TTL_MS = 60_000;

type ApiKeyPrincipal = Extract<Principal, { kind: "api_key" }>;

/**
 * Key → its hash and principal (null for an unknown key): the hot path reads D1 once a minute
 * per key, and hashes a key only on a miss.
 */
const keyCache = new TtlCache<string, { hash: string; principal: ApiKeyPrincipal | null }>(
  KEY_CACHE_TTL_MS,
);

export function generateApiKey(): string {
  return KEY_PREFIX + bytesToBase64Url(randomBytes(32));
}

export async function createApiKey(
  ctx: ServiceContext,
  input: {
    name: string;
    scopes: Scope[];
    shopId: number | null;
    seller: string | null;
    shopIds: number[] | null;
  },
) {
  if (input.shopIds) await assertShops(ctx, input.shopIds);
  if (input.shopId !== null && !(await ctx.links.exists(ctx, "shop", input.shopId))) {
    throw invalidField("shop_id", `unknown shop ${input.shopId}`);
  }
  const key = generateApiKey();
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({
      name: input.name,
      keyHash: await sha256Hex(key),
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      scopes: input.scopes,
      shopId: input.shopId,
      seller: input.seller,
      shopIds: input.shopIds,
      createdAt: ctx.clock(),
    })
    .returning();
  if (!row) throw new Error("api key row was not created");
  return { row, key };
}

export const listApiKeys = (db: Db, afterId: number, limit: number) =>
  rowsAfter(db, apiKeys, afterId, limit, isNull(apiKeys.revokedAt));

/** One live key's row (for the page that confirms its revocation). */
export async function getLiveApiKey(db: Db, id: number) {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return row;
}

/** Marks the key revoked; returns false when there is no such live key. */
export async function revokeApiKey(ctx: ServiceContext, id: number): Promise<boolean> {
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.clock() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ keyHash: apiKeys.keyHash });
  if (!row) return false;
  keyCache.deleteWhere((entry) => entry.hash === row.keyHash);
  return true;
}

export async function resolveApiKey(
  db: Db,
  key: string,
  nowMs: number,
): Promise<ApiKeyPrincipal | null> {
  const cached = await keyCache.get(key, nowMs, async () => {
    const hash = await sha256Hex(key);
    const [row] = await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
      .limit(1);
    const principal: ApiKeyPrincipal | null = row
      ? {
          kind: "api_key",
          keyId: row.id,
          scopes: row.scopes as Scope[],
          shopId: row.shopId,
          seller: row.seller,
          reportShopIds: row.shopIds ?? null,
        }
      : null;
    return { hash, principal };
  });
  return cached.principal;
}

/** Live keys bound to a shop keep the shop from being deleted. */
export async function keysBoundToShop(ctx: ServiceContext, shopId: number): Promise<string | null> {
  const rows = await ctx.db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.shopId, shopId), isNull(apiKeys.revokedAt)));
  return rows.length > 0 ? `${rows.length} live API key(s) are bound to it` : null;
}
