// Terminals (docs/API.md#terminals): the seqs a shard holds from each terminal, an id's reuse,
// the read-back of a transaction, and their routes. The write path calls the first two inside
// its storage transaction; nothing here imports the write path or the read path.
export { type TerminalOverview, terminalsOverview } from "./overview";
export { readBack, readBackJson, readTransaction, receiptJson } from "./read-back";
export { refuseReusedIds } from "./reused-ids";
export { terminalRoutes } from "./routes";
export { allTerminals, recordTerminals, refuseTakenSeqs, terminalOf } from "./seqs";
