// Shops map to shards by id: a shard is one SalesIngest object, so no single object takes the
// whole ingest load (~1 000 req/s soft limit per object). See docs/SCALING.md.
export const SHARD_COUNT = 8;

export function shardOf(shopId: number): number {
  return shopId % SHARD_COUNT;
}
