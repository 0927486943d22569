import { count, eq } from "drizzle-orm";
import { rowsAfter } from "../../db/pages";
import type { ServiceContext } from "../../platform/context";
import { ingestStub } from "./ingest-do";
import { productDay, sales, salesDeadLetters } from "./schema";
import { SHARD_COUNT, shardOf } from "./shards";
import { syncOf, withBehind } from "./terminals";

const shards = () => Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

/** Flushes every shard's buffer now; returns how many sales went to D1. */
export async function flushAllShards(env: Env): Promise<number> {
  const counts = await Promise.all(shards().map((shard) => ingestStub(env, shard).flushAll()));
  return counts.reduce((a, b) => a + b, 0);
}

/** What waits in each shard, and how many sales were set aside. */
export async function ingestStatus(ctx: ServiceContext) {
  const [buffered, [dead]] = await Promise.all([
    Promise.all(shards().map((shard) => ingestStub(ctx.env, shard).buffered())),
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
    Promise.all(shards().map((shard) => ingestStub(ctx.env, shard).bufferedOf({ productId }))),
  ]);
  const inFlight = buffered.reduce((a, b) => a + b, 0);
  if (flushed) return "it has sales";
  return inFlight > 0 ? `${inFlight} of its sales are still being written` : null;
}

/** A shop with sales (its own shard has the buffered ones) stays in the catalog. */
export async function salesOfShop(ctx: ServiceContext, shopId: number) {
  const [[flushed], inFlight] = await Promise.all([
    ctx.db.select({ id: sales.saleId }).from(sales).where(eq(sales.shopId, shopId)).limit(1),
    ingestStub(ctx.env, shardOf(shopId)).bufferedOf({ shopId }),
  ]);
  if (flushed) return "it has sales";
  return inFlight > 0 ? `${inFlight} of its sales are still being written` : null;
}

/** Every terminal of every shop (all shards), with its gaps and whether it is behind. */
export async function terminalsOverview(ctx: ServiceContext) {
  const perShard = await Promise.all(
    shards().map((shard) => ingestStub(ctx.env, shard).terminals()),
  );
  const all = perShard
    .flat()
    .sort((a, b) => a.shopId - b.shopId || a.terminalId.localeCompare(b.terminalId));
  return withBehind(all, ctx.clock().getTime()).map((t) => ({
    shopId: t.shopId,
    terminalId: t.terminalId,
    receivedThrough: syncOf(t).received_through,
    highest: t.highest,
    gaps: t.gaps,
    lastSeenAt: t.lastSeenAt,
    behind: t.behind,
  }));
}

export type TerminalOverview = Awaited<ReturnType<typeof terminalsOverview>>[number];
