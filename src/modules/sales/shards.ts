import type { SalesIngest } from "./ingest-do";
import type { Rankings } from "./rankings-do";

// Shops map to shards by id: a shard is one SalesIngest object, so no single object takes the
// whole ingest load (~1 000 req/s soft limit per object). See docs/SCALING.md.
export const SHARD_COUNT = 8;

export function shardOf(shopId: number): number {
  return shopId % SHARD_COUNT;
}

export function ingestStub(env: Env, shard: number): DurableObjectStub<SalesIngest> {
  return env.SALES_INGEST.get(
    env.SALES_INGEST.idFromName(`shard-${shard}`),
  ) as DurableObjectStub<SalesIngest>;
}

export function rankingsStub(env: Env): DurableObjectStub<Rankings> {
  return env.RANKINGS.get(env.RANKINGS.idFromName("global")) as DurableObjectStub<Rankings>;
}
