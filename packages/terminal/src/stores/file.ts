import { type FileHandle, open, readFile, rename, truncate } from "node:fs/promises";
import path from "node:path";
import type { QueuedTransaction, TransactionStore } from "../store.js";

type Record =
  | { t: "tx"; tx: QueuedTransaction }
  | { t: "ack"; ids: string[] }
  | { t: "seq"; last: number };

/**
 * Node: an append-only log of JSON lines, `fsync`ed before `append` resolves, so a transaction
 * survives the process being killed the next instant. Acks are lines too; once they outnumber
 * the queue (and pass `compactAfter`), the log is rewritten with only what waits.
 */
export async function fileStore(
  file: string,
  opts: { compactAfter?: number } = {},
): Promise<TransactionStore & { close(): Promise<void> }> {
  const compactAfter = opts.compactAfter ?? 10_000;
  const queue = new Map<string, QueuedTransaction>();
  let last = 0;
  let acked = 0;
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // A crash mid-write leaves a torn last line: cut it off, so the next record starts clean.
  if (text.length > 0 && !text.endsWith("\n")) {
    const end = text.lastIndexOf("\n") + 1;
    await truncate(file, Buffer.byteLength(text.slice(0, end)));
    text = text.slice(0, end);
  }
  for (const line of text.split("\n")) {
    if (!line) continue;
    let record: Record;
    try {
      record = JSON.parse(line);
    } catch {
      // A line torn by a crash mid-write: its append never resolved, so nobody counts on it.
      continue;
    }
    if (record.t === "tx") {
      queue.set(record.tx.id, record.tx);
      last = Math.max(last, record.tx.seq);
    } else if (record.t === "ack") {
      for (const id of record.ids) queue.delete(id);
      acked += record.ids.length;
    } else last = Math.max(last, record.last);
  }
  let handle: FileHandle = await open(file, "a");
  // Writes go one at a time, each synced before the next starts.
  let chain: Promise<unknown> = Promise.resolve();
  const write = (lines: Record[]) => {
    const run = chain.then(async () => {
      await handle.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
      await handle.datasync();
    });
    chain = run.catch(() => undefined);
    return run;
  };

  async function compact() {
    const tmp = `${file}.tmp`;
    const out = await open(tmp, "w");
    const lines: Record[] = [
      { t: "seq", last },
      ...[...queue.values()].map((tx) => ({ t: "tx" as const, tx })),
    ];
    await out.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    await out.sync();
    await out.close();
    await handle.close();
    await rename(tmp, file);
    // The rename is durable once the directory is.
    const dir = await open(path.dirname(file), "r");
    await dir.sync().catch(() => undefined);
    await dir.close();
    handle = await open(file, "a");
    acked = 0;
  }

  return {
    async append(tx) {
      await write([{ t: "tx", tx }]);
      queue.set(tx.id, tx);
      last = Math.max(last, tx.seq);
    },
    async peek(n) {
      return [...queue.values()].slice(0, n);
    },
    async ack(ids) {
      if (ids.length === 0) return;
      await write([{ t: "ack", ids: [...ids] }]);
      for (const id of ids) queue.delete(id);
      acked += ids.length;
      if (acked > compactAfter && acked > 2 * queue.size) {
        const run = chain.then(compact);
        chain = run.catch(() => undefined);
        await run;
      }
    },
    async size() {
      return queue.size;
    },
    async lastSeq() {
      return last;
    },
    async raiseSeq(seq) {
      if (seq <= last) return;
      await write([{ t: "seq", last: seq }]);
      last = seq;
    },
    async close() {
      await chain;
      await handle.close();
    },
  };
}
