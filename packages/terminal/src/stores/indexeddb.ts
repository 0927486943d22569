import type { QueuedTransaction, TransactionStore } from "../store.js";

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });

const result = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * Browsers: one IndexedDB database per terminal. Writes use strict durability, so `append`
 * resolves once the browser has committed the transaction to disk.
 */
export async function indexedDbStore(
  name: string,
  idb: IDBFactory = indexedDB,
): Promise<TransactionStore> {
  const open = idb.open(`retail-edge-terminal-${name}`, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore("queue", { keyPath: "seq" }).createIndex("id", "id", { unique: true });
    db.createObjectStore("meta");
  };
  const db = await result(open);
  const tx = (mode: IDBTransactionMode) =>
    db.transaction(["queue", "meta"], mode, { durability: "strict" });

  const lastSeq = async () => {
    const t = tx("readonly");
    return ((await result(t.objectStore("meta").get("lastSeq"))) as number | undefined) ?? 0;
  };
  return {
    async append(item) {
      const t = tx("readwrite");
      t.objectStore("queue").put(item);
      const meta = t.objectStore("meta");
      const last = ((await result(meta.get("lastSeq"))) as number | undefined) ?? 0;
      meta.put(Math.max(last, item.seq), "lastSeq");
      await done(t);
    },
    async peek(n) {
      const t = tx("readonly");
      return (await result(t.objectStore("queue").getAll(null, n))) as QueuedTransaction[];
    },
    async ack(ids) {
      const t = tx("readwrite");
      const index = t.objectStore("queue").index("id");
      for (const id of ids) {
        const seq = await result(index.getKey(id));
        if (seq !== undefined) t.objectStore("queue").delete(seq);
      }
      await done(t);
    },
    async size() {
      return result(tx("readonly").objectStore("queue").count());
    },
    lastSeq,
    async raiseSeq(seq) {
      const t = tx("readwrite");
      const meta = t.objectStore("meta");
      const last = ((await result(meta.get("lastSeq"))) as number | undefined) ?? 0;
      meta.put(Math.max(last, seq), "lastSeq");
      await done(t);
    },
  };
}
