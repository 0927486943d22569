// The write path's flush (docs/ARCHITECTURE.md#the-write-path): a run of a shard's buffer as one
// D1 batch with the rollups summed from its rows, and the one transaction D1 refuses set aside.
// Called by the shard's pipeline; imports nothing of the shard.
export { writeDeadLetter } from "./dead-letter";
export { chunkOf, type FlushChunk, type FlushResult, writeFlush } from "./flush";
