import { backoffMs, retryAfterMs } from "./backoff.js";
import type { QueuedTransaction, TransactionStore } from "./store.js";
import { uuidv7 } from "./uuid.js";

export { backoffMs, retryAfterMs } from "./backoff.js";
export type { QueuedTransaction, TransactionStore } from "./store.js";
export { memoryStore } from "./stores/memory.js";
export { uuidv7 } from "./uuid.js";

export type TerminalOptions = {
  baseUrl: string;
  apiKey: string;
  shopId: number;
  terminalId: string;
  store: TransactionStore;
  /** Send as soon as this many wait (default 100). */
  flushAt?: number;
  /** …or this long after the first one was queued (default 1 000 ms). */
  flushIntervalMs?: number;
  /** At most this many wait; `sell` and `refund` refuse beyond (default 1 000 000). */
  maxQueued?: number;
  /** The longest wait between retries (default 5 minutes). */
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

/**
 * A receipt line: the product, how many, and what the shop charged (default: the catalog
 * price), the line's discount and the tax collected on it, in the shop's money.
 */
export type ReceiptLine = {
  product_id: number;
  quantity?: number;
  unit_price?: number;
  discount?: number;
  tax?: number;
};
/** A receipt of lines with an optional receipt discount and checksum `total`. */
export type Receipt = {
  lines: ReceiptLine[];
  discount?: number;
  total?: number;
  id?: string;
  sold_at?: string;
};
/** The one-line form: one product at the catalog price. */
export type OneLineSale = { product_id: number; quantity?: number; id?: string; sold_at?: string };
export type Sale = Receipt | OneLineSale;
/** A refund: lines of the receipt (default: all that is left), or `quantity` of a one-line one. */
export type Refund = {
  sale_id: string;
  lines?: { line: number; quantity?: number }[];
  quantity?: number;
  id?: string;
  refunded_at?: string;
};

export type Rejected = { tx: QueuedTransaction; errors: { path: string; message: string }[] };

type Events = {
  queued: { id: string; seq: number };
  sending: { count: number };
  sent: { accepted: number; duplicates: number };
  rejected: Rejected;
  paused: { status: number; detail: string };
  retrying: { attempt: number; waitMs: number; reason: string };
};
type Listener<K extends keyof Events> = (event: Events[K]) => void;

/** The queue is full: the sale is not taken (nothing queued is ever dropped to make room). */
export class QueueFullError extends Error {
  constructor(max: number) {
    super(`The terminal's queue holds ${max} transactions already; nothing was queued.`);
    this.name = "QueueFullError";
  }
}

// The server's limits (docs/TERMINALS.md): 1 000 items and 1 MiB of JSON a batch.
const MAX_ITEMS = 1000;
const MAX_BYTES = 1024 * 1024 - 1024;

const STORE_METHODS = ["append", "peek", "ack", "size", "lastSeq", "raiseSeq"] as const;

/** A store is required: a terminal without durable storage would lose sales on a restart. */
function checkStore(store: unknown): asserts store is TransactionStore {
  const missing = STORE_METHODS.filter(
    (m) => typeof (store as Record<string, unknown> | null | undefined)?.[m] !== "function",
  );
  if (missing.length === 0) return;
  const what =
    store === undefined || store === null
      ? "no `store` was given"
      : `the \`store\` lacks ${missing.join(", ")}`;
  throw new TypeError(
    `createTerminal: ${what}. Pass one of: fileStore(path) from "@retail-edge/terminal/file-store" (Node), ` +
      `indexedDbStore(name) from "@retail-edge/terminal/indexeddb-store" (browsers), or memoryStore() ` +
      `from "@retail-edge/terminal" (tests; lost with the process).`,
  );
}

export function createTerminal(options: TerminalOptions) {
  checkStore(options?.store);
  const o = {
    flushAt: 100,
    flushIntervalMs: 1000,
    maxQueued: 1_000_000,
    maxBackoffMs: 300_000,
    fetch: globalThis.fetch.bind(globalThis),
    now: Date.now,
    random: Math.random,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    ...options,
  };
  const { store } = o;
  const listeners = new Map<keyof Events, Set<(e: never) => void>>();
  const emit = <K extends keyof Events>(name: K, event: Events[K]) => {
    for (const fn of listeners.get(name) ?? []) (fn as Listener<K>)(event);
  };
  const counters = { sent: 0, duplicates: 0, rejected: 0 };
  const rejected: Rejected[] = [];
  let paused: { status: number; detail: string } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let sending: Promise<void> | null = null;
  // Sending on its own (after start), and a stop asked for (which also ends a retry loop).
  let running = false;
  let halted = false;
  // Seqs are handed out one at a time, after the store has the previous one.
  let queueing: Promise<unknown> = Promise.resolve();
  const headers = {
    authorization: `Bearer ${o.apiKey}`,
    "content-type": "application/json",
  };

  /** The body, gzip-compressed where the platform can (the server's limit is on its JSON). */
  async function encode(
    json: string,
  ): Promise<{ headers: Record<string, string>; body: BodyInit }> {
    if (typeof CompressionStream === "undefined") return { headers, body: json };
    const gzipped = await new Response(
      new Blob([json]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer();
    return { headers: { ...headers, "content-encoding": "gzip" }, body: gzipped };
  }

  async function enqueue(body: Record<string, unknown>, id: string) {
    const run = queueing.then(async () => {
      if ((await store.size()) >= o.maxQueued) throw new QueueFullError(o.maxQueued);
      const seq = (await store.lastSeq()) + 1;
      const tx: QueuedTransaction = {
        id,
        seq,
        queuedAt: o.now(),
        body: { ...body, id, shop_id: o.shopId, terminal_id: o.terminalId, seq },
      };
      await store.append(tx);
      emit("queued", { id, seq });
      return { id, seq };
    });
    queueing = run.catch(() => undefined);
    const queued = await run;
    void schedule();
    return queued;
  }

  async function schedule() {
    if (!running || paused || sending) return;
    if ((await store.size()) >= o.flushAt) {
      void flush();
      return;
    }
    timer ??= setTimeout(() => {
      timer = null;
      void flush();
    }, o.flushIntervalMs);
  }

  /** The oldest waiting transactions that fit one batch. */
  async function nextBatch(): Promise<QueuedTransaction[]> {
    const candidates = await store.peek(MAX_ITEMS);
    const batch: QueuedTransaction[] = [];
    let bytes = 16;
    for (const tx of candidates) {
      bytes += JSON.stringify(tx.body).length * 3 + 1; // worst case: 3 bytes a UTF-16 unit
      if (batch.length > 0 && bytes > MAX_BYTES) break;
      batch.push(tx);
    }
    return batch;
  }

  /** Sends one batch until the server answers it; false when sending must stop. */
  async function sendBatch(batch: QueuedTransaction[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      let response: Response | null = null;
      let answer: { results: ItemResult[] } | null = null;
      let reason = "";
      try {
        emit("sending", { count: batch.length });
        response = await o.fetch(`${o.baseUrl}/api/v1/sales/batch`, {
          method: "POST",
          ...(await encode(JSON.stringify({ sales: batch.map((tx) => tx.body) }))),
        });
        // The answer is read here too: a connection that dies mid-body is a lost answer.
        if (response.status === 202) answer = await response.json();
      } catch (error) {
        response = null;
        reason = `network: ${String(error)}`;
      }
      if (answer) {
        await settle(batch, answer);
        return true;
      }
      if (response && (response.status === 401 || response.status === 403)) {
        paused = { status: response.status, detail: await response.text().catch(() => "") };
        emit("paused", paused);
        return false;
      }
      const retryable = !response || [408, 429].includes(response.status) || response.status >= 500;
      if (response && !retryable) {
        // The batch as a whole was refused (it should not be: sizes are kept): stop, say so.
        paused = { status: response.status, detail: await response.text().catch(() => "") };
        emit("paused", paused);
        return false;
      }
      if (response) reason = `HTTP ${response.status}`;
      const after = retryAfterMs(response?.headers.get("retry-after") ?? null, o.now());
      const waitMs = Math.min(
        o.maxBackoffMs,
        after ?? backoffMs(attempt, o.random, 500, o.maxBackoffMs),
      );
      emit("retrying", { attempt: attempt + 1, waitMs, reason });
      await o.sleep(waitMs);
      if (halted) return false;
    }
  }

  type ItemResult = { index: number; status: string; errors?: { path: string; message: string }[] };

  async function settle(batch: QueuedTransaction[], answer: { results: ItemResult[] }) {
    let accepted = 0;
    let duplicates = 0;
    for (const r of answer.results) {
      const tx = batch[r.index];
      if (!tx) continue;
      if (r.status === "accepted") accepted++;
      else if (r.status === "duplicate") duplicates++;
      else {
        const item = { tx, errors: r.errors ?? [] };
        rejected.push(item);
        emit("rejected", item);
      }
    }
    await store.ack(batch.map((tx) => tx.id));
    counters.sent += accepted;
    counters.duplicates += duplicates;
    counters.rejected += batch.length - accepted - duplicates;
    emit("sent", { accepted, duplicates });
  }

  /** Sends everything waiting now; resolves when the queue is empty or sending stopped. */
  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    sending ??= (async () => {
      try {
        while (!paused) {
          const batch = await nextBatch();
          if (batch.length === 0) break;
          if (!(await sendBatch(batch))) break;
        }
      } catch (error) {
        // The store failed (e.g. a full disk): stop sending and say so; the queue is kept.
        paused = { status: 0, detail: String(error) };
        emit("paused", paused);
      } finally {
        sending = null;
      }
    })();
    return sending;
  }

  /**
   * Asks the server what it holds from this terminal: a wiped store resumes numbering above the
   * server's highest seq, and what the server already holds leaves the queue without a resend.
   */
  async function reconcile() {
    const res = await o.fetch(
      `${o.baseUrl}/api/v1/terminals/${encodeURIComponent(o.terminalId)}/sync`,
      { headers },
    );
    if (!res.ok) throw new Error(`sync answered ${res.status}`);
    const sync = (await res.json()) as {
      received_through: number;
      highest_seq: number;
      gaps: [number, number][];
    };
    await store.raiseSeq(sync.highest_seq);
    const inGap = (seq: number) => sync.gaps.some(([a, b]) => seq >= a && seq <= b);
    const held = (await store.peek(Number.MAX_SAFE_INTEGER)).filter(
      (tx) => tx.seq <= sync.highest_seq && !inGap(tx.seq),
    );
    await store.ack(held.map((tx) => tx.id));
    return sync;
  }

  return {
    /**
     * Queues a sale — a receipt (`lines`, `discount`, `total`) or the one-line form — and
     * resolves once it is durable in the store, with its id and seq.
     */
    sell(sale: Sale) {
      const id = sale.id ?? uuidv7(o.now());
      return enqueue({ ...sale }, id);
    },
    /** Queues a refund of one of this shop's sales: named lines, or the whole receipt. */
    refund(refund: Refund) {
      const id = refund.id ?? uuidv7(o.now());
      return enqueue({ type: "refund", ...refund }, id);
    },
    /** Reconciles with the server, then sends on its own (flushAt / flushIntervalMs). */
    async start() {
      running = true;
      halted = false;
      try {
        await reconcile();
      } catch (error) {
        // The server is out of reach: sell and queue anyway; sending retries until it is back.
        emit("retrying", { attempt: 0, waitMs: 0, reason: `sync: ${String(error)}` });
      }
      void schedule();
    },
    stop() {
      running = false;
      halted = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    /** Lifts a pause after a 401/403 (e.g. a new key in place) and sends again. */
    resume() {
      paused = null;
      void schedule();
    },
    flush,
    reconcile,
    on<K extends keyof Events>(name: K, fn: Listener<K>) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(fn as (e: never) => void);
      return () => set.delete(fn as (e: never) => void);
    },
    /** Counters for the host app. */
    async stats() {
      const [oldest] = await store.peek(1);
      return {
        queued: await store.size(),
        sending: sending !== null,
        ...counters,
        paused,
        oldestUnsentAgeMs: oldest ? o.now() - oldest.queuedAt : 0,
      };
    },
    rejected,
  };
}

export type Terminal = ReturnType<typeof createTerminal>;
