// How the flows reach the module's two Durable Objects. The stubs are typed through `Env`
// (worker-configuration.d.ts), so no flow imports another's object class to call it.

// Shops map to shards by id: a shard is one SalesIngest object, so no single object takes the
// whole ingest load (~1 000 req/s soft limit per object). See docs/SCALING.md.
export const SHARD_COUNT = 8;

export function shardOf(shopId: number): number {
  return shopId % SHARD_COUNT;
}

/** Every shard's number. */
export const allShards = () => Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

/** The shard object that buffers and flushes the transactions of its shops. */
export function shardStub(env: Env, shard: number) {
  return env.SALES_INGEST.get(env.SALES_INGEST.idFromName(`shard-${shard}`));
}

/** The one object that keeps the live top-10 counters. */
export function rankingsStub(env: Env) {
  return env.RANKINGS.get(env.RANKINGS.idFromName("global"));
}
