// The write path as an operator and the catalog see it: flush now, what waits, what was set
// aside, and whether a product or a shop has sales (then it stays in the catalog).
import { count, eq } from "drizzle-orm";
import { rowsAfter } from "../../../db/pages";
import type { ServiceContext } from "../../../platform/context";
import { productDay, salesDeadLetters, shopDay } from "../core/schema";
import { allShards, shardOf, shardStub } from "../core/shards";

/** Flushes every shard's buffer now; returns how many sales went to D1. */
export async function flushAllShards(env: Env): Promise<number> {
  const counts = await Promise.all(allShards().map((shard) => shardStub(env, shard).flushAll()));
  return counts.reduce((a, b) => a + b, 0);
}

/** What waits in each shard, and how many sales were set aside. */
export async function ingestStatus(ctx: ServiceContext) {
  const [buffered, [dead]] = await Promise.all([
    Promise.all(allShards().map((shard) => shardStub(ctx.env, shard).buffered())),
    ctx.db.select({ n: count() }).from(salesDeadLetters),
  ]);
  return {
    shards: buffered.map((n, shard) => ({ shard, buffered: n })),
    buffered: buffered.reduce((a, b) => a + b, 0),
    dead_letters: dead?.n ?? 0,
  };
}

export const listDeadLetters = (ctx: ServiceContext, afterId: number, limit: number) =>
  rowsAfter(ctx.db, salesDeadLetters, afterId, limit);

/** A product with sales, flushed or still buffered in any shard, stays in the catalog. */
export async function salesOfProduct(ctx: ServiceContext, productId: number) {
  const [[flushed], buffered] = await Promise.all([
    ctx.db
      .select({ productId: productDay.productId })
      .from(productDay)
      .where(eq(productDay.productId, productId))
      .limit(1),
    Promise.all(allShards().map((shard) => shardStub(ctx.env, shard).bufferedOf({ productId }))),
  ]);
  const inFlight = buffered.reduce((a, b) => a + b, 0);
  if (flushed) return "it has sales";
  return inFlight > 0 ? `${inFlight} of its sales are still being written` : null;
}

/** A shop with transactions (its own shard has the buffered ones) stays in the catalog. */
export async function salesOfShop(ctx: ServiceContext, shopId: number) {
  const [[flushed], inFlight] = await Promise.all([
    // The rollups, not the sales table: an archived shop has no rows there and still has history.
    ctx.db.select({ day: shopDay.day }).from(shopDay).where(eq(shopDay.shopId, shopId)).limit(1),
    shardStub(ctx.env, shardOf(shopId)).bufferedOf({ shopId }),
  ]);
  if (flushed) return "it has sales";
  return inFlight > 0 ? `${inFlight} of its sales are still being written` : null;
}
