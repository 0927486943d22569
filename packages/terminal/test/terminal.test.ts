import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { backoffMs, createTerminal, memoryStore, QueueFullError, uuidv7 } from "../src/index.js";

type Call = { url: string; body: { sales: Record<string, unknown>[] } | null; headers: Headers };

/** A fake transport: answers each request from `respond`, records what was sent. */
function transport(respond: (call: Call, n: number) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    let body: Call["body"] = null;
    if (init?.body) {
      const raw =
        init.body instanceof ArrayBuffer
          ? gunzipSync(Buffer.from(init.body)).toString()
          : String(init.body);
      body = JSON.parse(raw);
    }
    const call = { url: String(url), body, headers };
    calls.push(call);
    return respond(call, calls.length);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const accepted = (call: Call) =>
  Response.json(
    {
      results: (call.body?.sales ?? []).map((_, index) => ({ index, id: "x", status: "accepted" })),
    },
    { status: 202 },
  );
const sync = (highest = 0, gaps: [number, number][] = []) =>
  Response.json({ received_through: 0, highest_seq: highest, gaps, last_seen_at: null });

const base = { baseUrl: "http://pos.test", apiKey: "re_test", shopId: 7, terminalId: "T-1" };

describe("the terminal", () => {
  it("resolves a sale once stored, with a UUIDv7 and the next seq, and sends them in order", async () => {
    const net = transport((call) => (call.url.endsWith("/sync") ? sync() : accepted(call)));
    const store = memoryStore();
    const t = createTerminal({ ...base, store, fetch: net.fetch, flushAt: 1000 });
    const a = await t.sell({ product_id: 1 });
    const b = await t.refund({ sale_id: a.id, quantity: 1 });
    expect(a.seq).toBe(1);
    expect(b.seq).toBe(2);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect(await store.size()).toBe(2);
    await t.flush();
    expect(net.calls).toHaveLength(1);
    const sent = net.calls[0]?.body?.sales ?? [];
    expect(sent).toEqual([
      { product_id: 1, id: a.id, shop_id: 7, terminal_id: "T-1", seq: 1 },
      {
        type: "refund",
        sale_id: a.id,
        quantity: 1,
        id: b.id,
        shop_id: 7,
        terminal_id: "T-1",
        seq: 2,
      },
    ]);
    expect(net.calls[0]?.headers.get("content-encoding")).toBe("gzip");
    expect(await store.size()).toBe(0);
    expect((await t.stats()).sent).toBe(2);
  });

  it("sells a receipt of lines with discounts and tax, and refunds it by line", async () => {
    const net = transport((call) => accepted(call));
    const t = createTerminal({ ...base, store: memoryStore(), fetch: net.fetch, flushAt: 1e9 });
    const receipt = {
      lines: [
        { product_id: 3, quantity: 2, unit_price: 9.9, discount: 1, tax: 3.76 },
        { product_id: 4, tax: 0.5 },
      ],
      discount: 0.5,
      total: 26.56,
    };
    const sold = await t.sell(receipt);
    await t.refund({ sale_id: sold.id, lines: [{ line: 1, quantity: 1 }] });
    await t.flush();
    const [sale, refund] = net.calls[0]?.body?.sales ?? [];
    expect(sale).toEqual({ ...receipt, id: sold.id, shop_id: 7, terminal_id: "T-1", seq: 1 });
    expect(refund).toMatchObject({
      type: "refund",
      sale_id: sold.id,
      lines: [{ line: 1, quantity: 1 }],
      seq: 2,
    });
  });

  it("sends at most 1 000 items a batch", async () => {
    const net = transport((call) => accepted(call));
    const t = createTerminal({ ...base, store: memoryStore(), fetch: net.fetch, flushAt: 1e9 });
    for (let i = 0; i < 2500; i++) await t.sell({ product_id: 1, id: `r-${i}` });
    await t.flush();
    expect(net.calls.map((c) => c.body?.sales.length)).toEqual([1000, 1000, 500]);
  });

  it("retries network errors, 408, 429 and 5xx with capped full-jitter backoff, honouring Retry-After", async () => {
    const waits: number[] = [];
    const answers = [
      () => Promise.reject(new TypeError("fetch failed")),
      () => new Response("", { status: 503 }),
      () => new Response("", { status: 429, headers: { "retry-after": "7" } }),
      () => new Response("", { status: 408 }),
    ];
    const net = transport((call, n) => (answers[n - 1] ?? (() => accepted(call)))());
    const t = createTerminal({
      ...base,
      store: memoryStore(),
      fetch: net.fetch,
      random: () => 0.999,
      maxBackoffMs: 1500,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const { id } = await t.sell({ product_id: 1 });
    await t.flush();
    expect(net.calls).toHaveLength(5);
    // Every attempt resends the same id: a lost answer costs a duplicate, never a double count.
    expect(new Set(net.calls.map((c) => c.body?.sales[0]?.id))).toEqual(new Set([id]));
    expect(waits[0]).toBeLessThan(500);
    expect(waits[1]).toBeLessThan(1000);
    expect(waits[2]).toBe(1500); // Retry-After 7 s, capped
    expect(waits[3]).toBeLessThanOrEqual(1500);
    expect(backoffMs(20, () => 0.5, 500, 300_000)).toBe(150_000);
  });

  it("treats a connection that dies while the answer is read as a lost answer, and resends", async () => {
    const broken = new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"results":['));
          controller.error(new TypeError("terminated"));
        },
      }),
      { status: 202, headers: { "content-type": "application/json" } },
    );
    const net = transport((call, n) => (n === 1 ? broken : accepted(call)));
    const t = createTerminal({
      ...base,
      store: memoryStore(),
      fetch: net.fetch,
      sleep: async () => {},
    });
    await t.sell({ product_id: 1 });
    await t.flush();
    expect(net.calls).toHaveLength(2);
    expect((await t.stats()).queued).toBe(0);
  });

  it("starts while the server is out of reach, and queues", async () => {
    const t = createTerminal({
      ...base,
      store: memoryStore(),
      fetch: (() => Promise.reject(new TypeError("fetch failed"))) as typeof fetch,
      sleep: async () => {},
    });
    await t.start();
    expect((await t.sell({ product_id: 1 })).seq).toBe(1);
    t.stop();
  });

  it("moves a rejected item to `rejected` with the server's errors, and pauses on 401", async () => {
    const net = transport((_call, n) =>
      n === 1
        ? Response.json(
            {
              results: [
                { index: 0, status: "accepted" },
                {
                  index: 1,
                  status: "rejected",
                  errors: [{ path: "sales[1].quantity", message: "too many" }],
                },
              ],
            },
            { status: 202 },
          )
        : new Response("revoked", { status: 401 }),
    );
    const t = createTerminal({ ...base, store: memoryStore(), fetch: net.fetch, flushAt: 1e9 });
    const events: string[] = [];
    t.on("rejected", (e) => events.push(`rejected ${e.tx.seq}`));
    t.on("paused", (e) => events.push(`paused ${e.status}`));
    await t.sell({ product_id: 1 });
    await t.sell({ product_id: 1, quantity: 5000 });
    await t.flush();
    expect(t.rejected[0]?.errors[0]?.path).toBe("sales[1].quantity");
    await t.sell({ product_id: 2 });
    await t.flush();
    expect(events).toEqual(["rejected 2", "paused 401"]);
    const stats = await t.stats();
    expect(stats.queued).toBe(1); // kept, not dropped
    expect(stats.paused?.status).toBe(401);
  });

  it("refuses a sale when the queue is full, dropping nothing", async () => {
    const store = memoryStore();
    const t = createTerminal({
      ...base,
      store,
      fetch: transport(accepted).fetch,
      maxQueued: 3,
      flushAt: 1e9,
    });
    for (let i = 0; i < 3; i++) await t.sell({ product_id: 1 });
    await expect(t.sell({ product_id: 1 })).rejects.toBeInstanceOf(QueueFullError);
    expect(await store.size()).toBe(3);
  });

  it("reconciles: a wiped store resumes above the server's highest seq; what the server holds leaves the queue", async () => {
    const store = memoryStore();
    for (const seq of [3, 4, 5]) {
      await store.append({ id: `s${seq}`, seq, queuedAt: 0, body: { id: `s${seq}`, seq } });
    }
    const net = transport((call) =>
      call.url.endsWith("/sync") ? sync(8, [[4, 4]]) : accepted(call),
    );
    const t = createTerminal({ ...base, store, fetch: net.fetch, flushAt: 1e9 });
    const state = await t.reconcile();
    expect(state.highest_seq).toBe(8);
    expect((await store.peek(10)).map((x) => x.seq)).toEqual([4]); // 3 and 5 are held
    expect((await t.sell({ product_id: 1 })).seq).toBe(9);
    expect(net.calls[0]?.headers.get("authorization")).toBe("Bearer re_test");
  });

  it("makes time-ordered UUIDv7s", () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a.slice(0, 13)).toBe("018bcfe5-6800");
  });
});

describe("creating a terminal", () => {
  it("without a store fails at once, naming the stores and where to import them from", () => {
    const make = (store: unknown) => () =>
      createTerminal({ ...base, store: store as never, fetch: transport(() => sync()).fetch });
    expect(make(undefined)).toThrow(TypeError);
    expect(make(undefined)).toThrow(/no `store` was given/);
    for (const named of [
      'fileStore(path) from "@retail-edge/terminal/file-store"',
      'indexedDbStore(name) from "@retail-edge/terminal/indexeddb-store"',
      'memoryStore() from "@retail-edge/terminal"',
    ])
      expect(make(undefined)).toThrow(named);
    expect(make({ append: async () => {} })).toThrow(/lacks peek, ack, size, lastSeq, raiseSeq/);
    expect(make(memoryStore())).not.toThrow();
  });

  it("is documented with import lines the package exports", async () => {
    const { readFileSync } = await import("node:fs");
    const root = new URL("..", import.meta.url);
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
    const docs = ["README.md", "../../README.md", "../../docs/TERMINALS.md"].map((f) =>
      readFileSync(new URL(f, root), "utf8"),
    );
    const specifiers = docs.flatMap((text) =>
      [...text.matchAll(/from "(@retail-edge\/terminal[^"]*)"/g)].map((m) => m[1] ?? ""),
    );
    expect(new Set(specifiers)).toEqual(
      new Set([
        "@retail-edge/terminal",
        "@retail-edge/terminal/file-store",
        "@retail-edge/terminal/indexeddb-store",
      ]),
    );
    for (const spec of new Set(specifiers)) {
      const entry = pkg.exports[`.${spec.slice("@retail-edge/terminal".length)}`];
      expect(entry, spec).toBeDefined();
      // The export's built file comes from a source file of the package.
      const source = String(entry.import)
        .replace(/^\.\/dist\//, "src/")
        .replace(/\.js$/, ".ts");
      expect(() => readFileSync(new URL(source, root)), spec).not.toThrow();
    }
  });
});
