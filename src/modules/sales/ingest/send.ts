// The Worker's send stage of the write path: each transaction to its shop's shard, one RPC per
// shard, in parallel; the shard answers once its group is durable.
import { shardOf, shardStub } from "../core/shards";
import type { AppendStatus, IncomingTransaction } from "../core/transaction";

/** Sends each transaction to its shop's shard, one RPC per shard, in parallel; statuses in input order. */
export async function appendSales(env: Env, sales: IncomingTransaction[]): Promise<AppendStatus[]> {
  const byShard = Map.groupBy(
    sales.map((sale, index) => ({ sale, index })),
    ({ sale }) => shardOf(sale.shopId),
  );
  const statuses: AppendStatus[] = new Array(sales.length);
  await Promise.all(
    [...byShard].map(async ([shard, group]) => {
      const result = await shardStub(env, shard).append(
        shard,
        group.map((g) => g.sale),
      );
      // Tuples (a receipt's lines) cross the RPC typed as arrays: the shard sent these.
      (result as AppendStatus[]).forEach((status, i) => {
        statuses[group[i]?.index ?? -1] = status;
      });
    }),
  );
  return statuses;
}
