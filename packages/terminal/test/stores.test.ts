import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { QueuedTransaction, TransactionStore } from "../src/index.js";
import { memoryStore } from "../src/index.js";
import { fileStore } from "../src/stores/file.js";

const tx = (seq: number): QueuedTransaction => ({
  id: `id-${seq}`,
  seq,
  queuedAt: 1000 + seq,
  body: { product_id: 1, id: `id-${seq}`, seq },
});

const fresh = () => path.join(mkdtempSync(path.join(tmpdir(), "terminal-store-")), "queue.log");

// The same contract for every store (PostHog's storage adapters do the same).
const stores: [string, () => Promise<TransactionStore>][] = [
  ["memory", async () => memoryStore()],
  ["file", () => fileStore(fresh())],
];

describe.each(stores)("the %s store", (_name, make) => {
  it("keeps order, acks by id, counts, and never lowers the seq", async () => {
    const store = await make();
    expect(await store.size()).toBe(0);
    expect(await store.lastSeq()).toBe(0);
    for (const seq of [1, 2, 3, 4]) await store.append(tx(seq));
    expect((await store.peek(3)).map((t) => t.seq)).toEqual([1, 2, 3]);
    await store.ack(["id-2", "id-1", "unknown"]);
    expect((await store.peek(10)).map((t) => t.seq)).toEqual([3, 4]);
    expect(await store.size()).toBe(2);
    await store.ack(["id-3", "id-4"]);
    expect(await store.size()).toBe(0);
    expect(await store.lastSeq()).toBe(4);
    await store.raiseSeq(10);
    await store.raiseSeq(7);
    expect(await store.lastSeq()).toBe(10);
  });
});

describe("the file store", () => {
  it("comes back after a restart with what was appended and not acked", async () => {
    const file = fresh();
    const a = await fileStore(file);
    for (const seq of [1, 2, 3]) await a.append(tx(seq));
    await a.ack(["id-1"]);
    await a.raiseSeq(9);
    const b = await fileStore(file);
    expect((await b.peek(10)).map((t) => t.id)).toEqual(["id-2", "id-3"]);
    expect(await b.lastSeq()).toBe(9);
  });

  it("ignores a line torn by a crash mid-write", async () => {
    const file = fresh();
    const a = await fileStore(file);
    await a.append(tx(1));
    appendFileSync(file, '{"t":"tx","tx":{"id":"id-2","se');
    const b = await fileStore(file);
    expect((await b.peek(10)).map((t) => t.id)).toEqual(["id-1"]);
    await b.append(tx(2));
    expect((await (await fileStore(file)).peek(10)).map((t) => t.id)).toEqual(["id-1", "id-2"]);
  });

  it("compacts its log once acks outnumber the queue, keeping the queue and the seq", async () => {
    const file = fresh();
    const store = await fileStore(file, { compactAfter: 50 });
    for (let seq = 1; seq <= 120; seq++) await store.append(tx(seq));
    await store.ack(Array.from({ length: 110 }, (_, i) => `id-${i + 1}`));
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.length).toBe(11); // the seq line and the 10 waiting
    const again = await fileStore(file);
    expect(await again.size()).toBe(10);
    expect(await again.lastSeq()).toBe(120);
  });
});
