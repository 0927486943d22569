// The write path's shard object (docs/ARCHITECTURE.md#the-write-path): buffer, window of flushed
// ids, flush to D1, dead letters; the stages in order are in pipeline.ts.
export { SalesIngest } from "./shard";
