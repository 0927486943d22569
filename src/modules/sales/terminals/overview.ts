import type { ServiceContext } from "../../../platform/context";
import { allShards, shardStub } from "../core/shards";
import { syncOf, withBehind } from "./seqs";

/** Every terminal of every shop (all shards), with its gaps and whether it is behind. */
export async function terminalsOverview(ctx: ServiceContext) {
  const perShard = await Promise.all(
    allShards().map((shard) => shardStub(ctx.env, shard).terminals()),
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
