// The archive of one business month (docs/ARCHIVE.md#the-job), as steps whose every state is
// in D1 or R2, so a crash between any two leaves the D1 rows or a checked part, never neither,
// and a rerun goes on from there: freeze → flush → (upload → record)* → delete* → done.
import { and, asc, eq, lt, sql } from "drizzle-orm";
import { log } from "../../../lib/log";
import { currencyOf } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { catalogSnapshot } from "../../catalog";
import { allShards, shardStub } from "../core/shards";
import { REFUND_COLUMNS, SALE_COLUMNS, type TransactionRow, toStored } from "../core/stored";
import type { StoredTransaction } from "../core/transaction";
import { forgetFrozenMonths } from "./months";
import { type ArchiveKind, encodePart, sumsByShop } from "./parquet";
import { bytesFile, decodePart, keysOfPart, r2File } from "./parquet-read";
import { archiveFiles, archiveMonths } from "./schema";

// A part is one row group of ≤ 50 000 transactions: with its lines, ~10 MB of objects in
// memory while it is encoded, far from the Worker's 128 MB, and a whole number of D1 pages.
export const PART_ROWS = 50_000;
const PAGE_ROWS = 5_000;
// Rows deleted a statement: their keys go as one JSON value (≤ ~250 KB), well under 2 MB.
const DELETE_ROWS = 5_000;
const KINDS: readonly ArchiveKind[] = ["sales", "refunds"];

export type StepOutcome =
  | { step: "wait"; ms: number }
  | { step: "flushed" | "uploaded" | "recorded" | "written" | "deleted" | "late" | "finished" }
  | { step: "missing" };

type Key = [shopId: number, id: string];

export const partKey = (kind: ArchiveKind, month: string, part: number) =>
  `${kind}/month=${month}/part-${String(part).padStart(4, "0")}.parquet`;

/** The first day of a month and of the one after it: the month's business days lie between. */
export function monthDays(month: string): [string, string] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
  return [`${month}-01`, `${next}-01`];
}

/** Up to `limit` transactions of the month after `after`, in key order, a page at a time. */
async function readRows(
  d1: D1Database,
  kind: ArchiveKind,
  month: string,
  after: Key | null,
  limit: number,
) {
  const [from, to] = monthDays(month);
  const [table, id, columns] =
    kind === "sales"
      ? ["sales", "sale_id", SALE_COLUMNS("t")]
      : ["refunds", "refund_id", REFUND_COLUMNS("t")];
  const rows: StoredTransaction[] = [];
  let cursor: Key = after ?? [-1, ""];
  while (rows.length < limit) {
    const { results } = await d1
      .prepare(
        `SELECT ${columns} FROM ${table} t
         WHERE t.business_day >= ?1 AND t.business_day < ?2 AND (t.shop_id, t.${id}) > (?3, ?4)
         ORDER BY t.shop_id, t.${id} LIMIT ?5`,
      )
      .bind(from, to, cursor[0], cursor[1], Math.min(PAGE_ROWS, limit - rows.length))
      .all<TransactionRow>();
    rows.push(...results.map(toStored));
    const last = rows.at(-1);
    if (results.length < PAGE_ROWS || !last) break;
    cursor = [last.shopId, last.saleId];
  }
  return rows;
}

async function sha256Hex(bytes: Uint8Array) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Whether D1's rows after `after` are, one by one, the part's: read a page at a time, so that
 * the check holds the part and one page, not the part twice.
 */
async function equalsD1(
  d1: D1Database,
  kind: ArchiveKind,
  month: string,
  after: Key | null,
  stored: readonly StoredTransaction[],
) {
  let cursor = after;
  let i = 0;
  while (i < stored.length) {
    const page = await readRows(d1, kind, month, cursor, Math.min(PAGE_ROWS, stored.length - i));
    const last = page.at(-1);
    if (!last) return false;
    for (const t of page) if (JSON.stringify(t) !== JSON.stringify(stored[i++])) return false;
    cursor = [last.shopId, last.saleId];
  }
  return stored.length > 0;
}

/** The month's parts of a kind, oldest first. */
const filesOf = (ctx: ServiceContext, month: string, kind: ArchiveKind) =>
  ctx.db
    .select()
    .from(archiveFiles)
    .where(and(eq(archiveFiles.month, month), eq(archiveFiles.kind, kind)))
    .orderBy(asc(archiveFiles.part));

/**
 * One write step for the first kind with rows left: the next part uploaded if R2 has no object
 * at its key, else that object read back, checked against D1 row by row and recorded.
 */
async function writeStep(
  ctx: ServiceContext,
  month: string,
  part: number,
): Promise<StepOutcome | null> {
  for (const kind of KINDS) {
    const files = await filesOf(ctx, month, kind);
    // Rows of this round follow its last part; after a delete, whatever D1 still has is late.
    const open = files.filter((f) => f.deletedRows < f.rows).at(-1);
    const after: Key | null = open ? [open.lastShop, open.lastId] : null;
    if ((await readRows(ctx.env.DB, kind, month, after, 1)).length === 0) continue;
    const key = partKey(kind, month, part);
    const head = await ctx.env.ARCHIVE.head(key);
    if (!head) {
      const rows = await readRows(ctx.env.DB, kind, month, after, PART_ROWS);
      const catalog = await catalogSnapshot(ctx.db);
      const currency = (shopId: number) =>
        currencyOf(catalog.shops.get(shopId)?.currency ?? ctx.config.CURRENCY);
      const bytes = encodePart(kind, rows, currency);
      // R2 checks the body against the digest; `onlyIf` never overwrites an object already there.
      await ctx.env.ARCHIVE.put(key, bytes, {
        sha256: await sha256Hex(bytes),
        onlyIf: { etagDoesNotMatch: "*" },
        httpMetadata: { contentType: "application/vnd.apache.parquet" },
      });
      log("info", "archive.uploaded", {
        month,
        kind,
        part,
        rows: rows.length,
        bytes: bytes.byteLength,
      });
      return { step: "uploaded" };
    }
    const object = await ctx.env.ARCHIVE.get(key);
    if (!object) throw new Error(`archive object ${key} vanished`);
    const bytes = new Uint8Array(await object.arrayBuffer());
    const stored = await decodePart(kind, bytesFile(bytes));
    if (!(await equalsD1(ctx.env.DB, kind, month, after, stored)))
      throw new Error(`archive part ${key} differs from D1: left as it is, not recorded`);
    const sums = [...sumsByShop(stored).values()];
    const first = stored[0] as StoredTransaction;
    const last = stored.at(-1) as StoredTransaction;
    const record = ctx.db.insert(archiveFiles).values({
      key,
      month,
      kind,
      part,
      rows: stored.length,
      bytes: bytes.byteLength,
      sha256: await sha256Hex(bytes),
      netMinor: sums.reduce((n, s) => n + s.net, 0),
      quantity: sums.reduce((n, s) => n + s.quantity, 0),
      firstShop: first.shopId,
      firstId: first.saleId,
      lastShop: last.shopId,
      lastId: last.saleId,
      createdAt: ctx.clock(),
    });
    await ctx.db.batch([record, setPhase(ctx, month, { nextPart: part + 1 })]);
    return { step: "recorded" };
  }
  return null;
}

/** One delete step: the next chunk of a recorded part's keys out of D1, with its count. */
async function deleteStep(ctx: ServiceContext, month: string): Promise<boolean> {
  const [file] = await ctx.db
    .select()
    .from(archiveFiles)
    .where(and(eq(archiveFiles.month, month), lt(archiveFiles.deletedRows, archiveFiles.rows)))
    .orderBy(asc(archiveFiles.kind), asc(archiveFiles.part))
    .limit(1);
  if (!file) return false;
  const head = await ctx.env.ARCHIVE.head(file.key);
  if (!head) throw new Error(`archive object ${file.key} is gone: its rows stay in D1`);
  // Only this chunk's two key columns are read from R2, not the part.
  const keys = await keysOfPart(
    file.kind,
    r2File(ctx.env.ARCHIVE, file.key, head.size),
    file.deletedRows,
    Math.min(file.rows, file.deletedRows + DELETE_ROWS),
  );
  const [table, id] = file.kind === "sales" ? ["sales", "sale_id"] : ["refunds", "refund_id"];
  // The keys of the file itself, never a range: a row the part does not hold stays in D1.
  await ctx.env.DB.batch([
    ctx.env.DB.prepare(
      `DELETE FROM ${table} WHERE (shop_id, ${id}) IN
         (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
    ).bind(JSON.stringify(keys)),
    ctx.env.DB.prepare("UPDATE archive_files SET deleted_rows = ? WHERE key = ?").bind(
      file.deletedRows + keys.length,
      file.key,
    ),
  ]);
  return true;
}

const setPhase = (
  ctx: ServiceContext,
  month: string,
  values: Partial<typeof archiveMonths.$inferInsert>,
) => ctx.db.update(archiveMonths).set(values).where(eq(archiveMonths.month, month));

/** The month's next step, done; what it was. */
export async function archiveStep(ctx: ServiceContext, month: string): Promise<StepOutcome> {
  const [row] = await ctx.db.select().from(archiveMonths).where(eq(archiveMonths.month, month));
  if (!row || row.state === "open" || row.phase === "reopen") return { step: "missing" };
  switch (row.phase) {
    case "freeze": {
      const ready = (row.frozenAt?.getTime() ?? 0) + ctx.config.ARCHIVE_FREEZE_SECONDS * 1000;
      const wait = ready - ctx.clock().getTime();
      if (wait > 0) return { step: "wait", ms: wait };
      // What the shards accepted before the freeze reaches D1 before the month is read.
      await Promise.all(allShards().map((shard) => shardStub(ctx.env, shard).flushAll()));
      await setPhase(ctx, month, { phase: "write" });
      return { step: "flushed" };
    }
    case "write": {
      const done = await writeStep(ctx, month, row.nextPart);
      if (done) return done;
      await setPhase(ctx, month, { phase: "delete" });
      return { step: "written" };
    }
    case "delete": {
      if (await deleteStep(ctx, month)) return { step: "deleted" };
      await setPhase(ctx, month, { phase: "done" });
      return { step: "deleted" };
    }
    case "done": {
      const [from, to] = monthDays(month);
      const left = await ctx.env.DB.prepare(
        `SELECT (SELECT count(*) FROM sales WHERE business_day >= ?1 AND business_day < ?2)
              + (SELECT count(*) FROM refunds WHERE business_day >= ?1 AND business_day < ?2) AS n`,
      )
        .bind(from, to)
        .first<{ n: number }>();
      if ((left?.n ?? 0) > 0) {
        await setPhase(ctx, month, { phase: "write" });
        return { step: "late" };
      }
      if (row.state !== "archived") {
        await setPhase(ctx, month, { state: "archived", finishedAt: ctx.clock(), error: null });
        forgetFrozenMonths();
        log("info", "archive.finished", { month });
      }
      return { step: "finished" };
    }
  }
}

/** Runs the month's steps to the end (the job's body; a rerun after a crash goes on). */
export async function runArchive(ctx: ServiceContext, month: string) {
  const steps: Record<string, number> = {};
  for (;;) {
    const outcome = await archiveStep(ctx, month);
    steps[outcome.step] = (steps[outcome.step] ?? 0) + 1;
    if (outcome.step === "finished" || outcome.step === "missing") return { month, steps };
    if (outcome.step === "wait") await new Promise((r) => setTimeout(r, outcome.ms));
  }
}

/** Marks a month for the archive (or finds it there): it refuses new sales from now on. */
export async function freezeMonth(ctx: ServiceContext, month: string) {
  const now = ctx.clock();
  await ctx.db
    .insert(archiveMonths)
    .values({ month, state: "archiving", phase: "freeze", frozenAt: now, startedAt: now })
    .onConflictDoUpdate({
      target: archiveMonths.month,
      set: { state: "archiving", phase: "freeze", frozenAt: now, startedAt: now, error: null },
      setWhere: sql`${archiveMonths.state} = 'open'`,
    });
  forgetFrozenMonths();
}
