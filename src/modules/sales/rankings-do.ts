import { DurableObject } from "cloudflare:workers";

/**
 * Keeps the top-10 ranking counters in memory, fed by flush deltas (shard, seq). Declared with
 * the foundation; the behaviour arrives with the sales module.
 */
export class Rankings extends DurableObject<Env> {}
