// The Worker's send stage of the write path: each transaction to its shop's shard, one RPC per
// shard, in parallel; the shard answers once its group is durable.
import type { ServiceContext } from "../../../platform/context";
import { answerFrozenMonths } from "../archive";
import { shardOf, shardStub } from "../core/shards";
import type { AppendStatus, IncomingTransaction } from "../core/transaction";

/**
 * Sends each transaction to its shop's shard, one RPC per shard, in parallel; statuses in input
 * order. Those dated in an archived month are answered from the archive and go to no shard.
 */
export async function appendSales(
  ctx: ServiceContext,
  sales: IncomingTransaction[],
): Promise<AppendStatus[]> {
  const env = ctx.env;
  const answered = await answerFrozenMonths(ctx, sales);
  const byShard = Map.groupBy(
    sales.flatMap((sale, index) => (answered[index] === undefined ? [{ sale, index }] : [])),
    ({ sale }) => shardOf(sale.shopId),
  );
  const statuses = answered as AppendStatus[];
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
