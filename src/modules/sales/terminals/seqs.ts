// What a shard knows of each terminal of its shops (docs/API.md#terminals): the seqs it holds as
// compact ranges, the highest, and when it last heard from it. Updated in the append's
// transaction; read by the sync endpoint and the admin's overview.
import { storedInBuffer } from "../core/stored";
import {
  type AppendStatus,
  type IncomingTransaction,
  type Refusal,
  transactionKey,
} from "../core/transaction";

/** Held seqs as sorted, disjoint, non-adjacent [from, to] ranges. */
export type SeqRanges = [number, number][];

export type TerminalState = { ranges: SeqRanges; highest: number; lastSeenAt: number };

export const terminalKey = (shopId: number, terminalId: string) => `${shopId}\u0000${terminalId}`;

/** The index of the range that holds `seq`, or -1. */
function rangeOf(ranges: SeqRanges, seq: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = ranges[mid] as [number, number];
    if (seq < from) hi = mid - 1;
    else if (seq > to) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export const holds = (ranges: SeqRanges, seq: number) => rangeOf(ranges, seq) !== -1;

/** The ranges with `seq` added, merged with its neighbours. */
export function withSeq(ranges: SeqRanges, seq: number): SeqRanges {
  if (holds(ranges, seq)) return ranges;
  const out: SeqRanges = [];
  let placed = false;
  for (const [from, to] of ranges) {
    if (!placed && seq < from) {
      out.push([seq, seq]);
      placed = true;
    }
    out.push([from, to]);
  }
  if (!placed) out.push([seq, seq]);
  // One pass merges the new range with an adjacent one on either side.
  const merged: SeqRanges = [];
  for (const [from, to] of out) {
    const last = merged.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** What the sync endpoint answers: held through, highest, and the gaps below the highest. */
export function syncOf(
  state: { ranges: readonly (readonly number[])[]; highest: number; lastSeenAt: number } | null,
) {
  if (!state) return { received_through: 0, highest_seq: 0, gaps: [], last_seen_at: null };
  const first = state.ranges[0];
  const gaps: [number, number][] = [];
  let next = 1;
  for (const [from = 0, to = 0] of state.ranges) {
    if (from > next) gaps.push([next, from - 1]);
    next = to + 1;
  }
  return {
    received_through: first && first[0] === 1 ? (first[1] ?? 0) : 0,
    highest_seq: state.highest,
    gaps,
    last_seen_at: new Date(state.lastSeenAt).toISOString(),
  };
}

type Row = {
  shop_id: number;
  terminal_id: string;
  ranges: string;
  highest: number;
  last_seen_at: number;
};

const toState = (r: Row): TerminalState => ({
  ranges: JSON.parse(r.ranges),
  highest: r.highest,
  lastSeenAt: r.last_seen_at,
});

/** The terminals of some (shop, terminal) pairs, by `terminalKey`. */
function loadTerminals(
  sql: SqlStorage,
  keys: readonly [number, string][],
): Map<string, TerminalState> {
  if (keys.length === 0) return new Map();
  const rows = sql.exec<Row>(
    `SELECT t.* FROM json_each(?) j
     JOIN terminals t ON t.shop_id = j.value ->> 0 AND t.terminal_id = j.value ->> 1`,
    JSON.stringify(keys),
  );
  return new Map([...rows].map((r) => [terminalKey(r.shop_id, r.terminal_id), toState(r)]));
}

/** One terminal of a shop as this shard holds it (null: never heard of). */
export function terminalOf(sql: SqlStorage, shopId: number, terminalId: string) {
  return loadTerminals(sql, [[shopId, terminalId]]).get(terminalKey(shopId, terminalId)) ?? null;
}

function saveTerminal(sql: SqlStorage, shopId: number, terminalId: string, state: TerminalState) {
  sql.exec(
    `INSERT INTO terminals (shop_id, terminal_id, ranges, highest, last_seen_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (shop_id, terminal_id) DO UPDATE SET ranges = excluded.ranges,
       highest = excluded.highest, last_seen_at = excluded.last_seen_at`,
    shopId,
    terminalId,
    JSON.stringify(state.ranges),
    state.highest,
    state.lastSeenAt,
  );
}

/** Every terminal of this shard's shops (the admin's overview). */
export function allTerminals(sql: SqlStorage) {
  return [...sql.exec<Row>("SELECT * FROM terminals ORDER BY shop_id, terminal_id")].map((r) => ({
    shopId: r.shop_id,
    terminalId: r.terminal_id,
    ...toState(r),
  }));
}

/**
 * Before a group is stored: a new id whose terminal already holds its seq (or claimed it earlier
 * in the group for another id) is refused; a repeat of a stored id keeps its answer.
 */
export function refuseTakenSeqs(
  sql: SqlStorage,
  incoming: readonly IncomingTransaction[],
  flushed: { has(key: string): boolean },
  inBuffer: { has(key: string): boolean },
): Map<number, Refusal> {
  const refusals = new Map<number, Refusal>();
  const withTerminal = incoming.flatMap((t, index) => (t.terminal ? [{ t, index }] : []));
  if (withTerminal.length === 0) return refusals;
  const states = loadTerminals(
    sql,
    withTerminal.map(({ t }): [number, string] => [t.shopId, t.terminal?.id ?? ""]),
  );
  const buffered = storedInBuffer(
    sql,
    withTerminal.map(({ t }): [number, string] => [t.shopId, t.saleId]),
    inBuffer,
  );
  const claimed = new Map<string, string>();
  const seen = new Set<string>();
  for (const { t, index } of withTerminal) {
    const terminal = t.terminal as { id: string; seq: number };
    const key = transactionKey(t);
    const known = flushed.has(key) || buffered.has(key) || seen.has(key);
    const tk = `${terminalKey(t.shopId, terminal.id)}\u0000${terminal.seq}`;
    const taken =
      holds(states.get(terminalKey(t.shopId, terminal.id))?.ranges ?? [], terminal.seq) ||
      (claimed.get(tk) ?? t.saleId) !== t.saleId;
    if (!known && taken) {
      refusals.set(index, {
        code: "conflict",
        path: "seq",
        message: `terminal ${terminal.id} already sent seq ${terminal.seq} with another id`,
      });
      continue;
    }
    claimed.set(tk, t.saleId);
    seen.add(key);
  }
  return refusals;
}

/** After a group is stored: each terminal's held seqs, highest and last contact. */
export function recordTerminals(
  sql: SqlStorage,
  incoming: readonly IncomingTransaction[],
  statuses: readonly AppendStatus[],
  at: number,
) {
  const withTerminal = incoming.flatMap((t, index) => (t.terminal ? [{ t, index }] : []));
  if (withTerminal.length === 0) return;
  const states = loadTerminals(
    sql,
    withTerminal.map(({ t }): [number, string] => [t.shopId, t.terminal?.id ?? ""]),
  );
  const touched = new Map<string, { shopId: number; id: string; state: TerminalState }>();
  for (const { t, index } of withTerminal) {
    const terminal = t.terminal as { id: string; seq: number };
    const k = terminalKey(t.shopId, terminal.id);
    const state = touched.get(k)?.state ??
      states.get(k) ?? { ranges: [], highest: 0, lastSeenAt: at };
    const status = statuses[index];
    const held = status === "accepted" || status === "duplicate";
    touched.set(k, {
      shopId: t.shopId,
      id: terminal.id,
      state: {
        ranges: held ? withSeq(state.ranges, terminal.seq) : state.ranges,
        highest: held ? Math.max(state.highest, terminal.seq) : state.highest,
        lastSeenAt: at,
      },
    });
  }
  for (const { shopId, id, state } of touched.values()) saveTerminal(sql, shopId, id, state);
}

const MINUTE = 60_000;

/**
 * Every terminal of every shop with its state, and whether it is behind: it has gaps and has
 * been silent for a minute, or it has been silent for 15 minutes while another terminal of its
 * shop was heard meanwhile (the shop is open, this one is not reporting).
 */
export function withBehind<T extends { shopId: number; lastSeenAt: number; ranges: number[][] }>(
  terminals: readonly T[],
  now: number,
) {
  const lastHeardInShop = new Map<number, number>();
  for (const t of terminals)
    lastHeardInShop.set(t.shopId, Math.max(lastHeardInShop.get(t.shopId) ?? 0, t.lastSeenAt));
  return terminals.map((t) => {
    const silent = now - t.lastSeenAt;
    const gaps = syncOf({ ranges: t.ranges, highest: 0, lastSeenAt: t.lastSeenAt }).gaps;
    const shopHeard = (lastHeardInShop.get(t.shopId) ?? 0) > t.lastSeenAt + 15 * MINUTE;
    const behind = (gaps.length > 0 && silent > MINUTE) || (silent > 15 * MINUTE && shopHeard);
    return { ...t, gaps, behind };
  });
}
