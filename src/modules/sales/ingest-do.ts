import { DurableObject } from "cloudflare:workers";

/**
 * One shard of the sales hot path (shop → shard): dedups sales, buffers them durably in its
 * SQLite storage and flushes them to D1 in batches. Declared with the foundation; the
 * behaviour arrives with the sales module.
 */
export class SalesIngest extends DurableObject<Env> {}
