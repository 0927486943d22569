import type { QueuedTransaction, TransactionStore } from "../store.js";

/** In memory: for tests and for hosts that keep their own durability. Lost with the process. */
export function memoryStore(): TransactionStore {
  const queue = new Map<string, QueuedTransaction>();
  let last = 0;
  return {
    async append(tx) {
      queue.set(tx.id, tx);
      last = Math.max(last, tx.seq);
    },
    async peek(n) {
      return [...queue.values()].slice(0, n);
    },
    async ack(ids) {
      for (const id of ids) queue.delete(id);
    },
    async size() {
      return queue.size;
    },
    async lastSeq() {
      return last;
    },
    async raiseSeq(seq) {
      last = Math.max(last, seq);
    },
  };
}
