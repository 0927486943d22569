import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { Principal, Scope } from "../../env";
import { bytesToBase64Url, randomBytes, sha256Hex } from "../../lib/crypto";
import { apiKeys } from "./schema";

export const KEY_PREFIX = "re_";
// A revoked key stops working in other isolates once their cached entry expires.
export const KEY_CACHE_TTL_MS = 60_000;
const KEY_CACHE_MAX = 10_000;

type ApiKeyPrincipal = Extract<Principal, { kind: "api_key" }>;
type CacheEntry = { principal: ApiKeyPrincipal | null; expiresAt: number };

/**
 * Per-isolate cache of key hash → principal (or null for an unknown key), so the hot path
 * reads D1 at most once a minute per key and isolate.
 */
const keyCache = new Map<string, CacheEntry>();

export function generateApiKey(): string {
  return KEY_PREFIX + bytesToBase64Url(randomBytes(32));
}

export async function createApiKey(
  db: Db,
  input: { name: string; scopes: Scope[]; shopId: number | null; seller: string | null },
  now: Date,
) {
  const key = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      name: input.name,
      keyHash: await sha256Hex(key),
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      scopes: input.scopes,
      shopId: input.shopId,
      seller: input.seller,
      createdAt: now,
    })
    .returning();
  return { row: row as typeof apiKeys.$inferSelect, key };
}

export async function listApiKeys(db: Db, afterId: number, limit: number) {
  return db
    .select()
    .from(apiKeys)
    .where(and(gt(apiKeys.id, afterId), isNull(apiKeys.revokedAt)))
    .orderBy(apiKeys.id)
    .limit(limit + 1);
}

/** Marks the key revoked; returns false when there is no such live key. */
export async function revokeApiKey(db: Db, id: number, now: Date): Promise<boolean> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ keyHash: apiKeys.keyHash });
  if (!row) return false;
  keyCache.delete(row.keyHash);
  return true;
}

export async function resolveApiKey(
  db: Db,
  key: string,
  nowMs: number,
): Promise<ApiKeyPrincipal | null> {
  const hash = await sha256Hex(key);
  const cached = keyCache.get(hash);
  if (cached && cached.expiresAt > nowMs) return cached.principal;

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
      }
    : null;
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(hash, { principal, expiresAt: nowMs + KEY_CACHE_TTL_MS });
  return principal;
}
