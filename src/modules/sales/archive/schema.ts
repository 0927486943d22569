import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A business month's place in the archive (docs/ARCHIVE.md#the-job): `open` takes sales,
 * `archiving` refuses new ones while the job moves the month to R2, `archived` reads from R2.
 * `phase` is the job's next step, so a rerun after a crash goes on from there; `reopen` while an
 * archived month's rows go back to D1.
 */
export const archiveMonths = sqliteTable("archive_months", {
  month: text().primaryKey(),
  state: text({ enum: ["open", "archiving", "archived"] }).notNull(),
  phase: text({ enum: ["freeze", "write", "delete", "done", "reopen"] }).notNull(),
  frozenAt: integer({ mode: "timestamp_ms" }),
  // The next part's number, across both kinds: a key once used is never written again.
  nextPart: integer().notNull().default(0),
  startedAt: integer({ mode: "timestamp_ms" }).notNull(),
  finishedAt: integer({ mode: "timestamp_ms" }),
  error: text(),
});

/**
 * One Parquet part in R2. Parts of a month and kind cover consecutive key ranges
 * (first..last (shop, id)): a receipt is looked for in at most one part a month. A part is
 * recorded only once read back and equal to D1; `deleted_rows` counts its rows gone from D1.
 */
export const archiveFiles = sqliteTable(
  "archive_files",
  {
    key: text().primaryKey(),
    month: text().notNull(),
    kind: text({ enum: ["sales", "refunds"] }).notNull(),
    part: integer().notNull(),
    rows: integer().notNull(),
    bytes: integer().notNull(),
    sha256: text().notNull(),
    netMinor: integer().notNull(),
    quantity: integer().notNull(),
    firstShop: integer().notNull(),
    firstId: text().notNull(),
    lastShop: integer().notNull(),
    lastId: text().notNull(),
    deletedRows: integer().notNull().default(0),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("archive_files_month").on(t.month, t.kind, t.part)],
);

/**
 * A shop's archived transactions with the business days of its new rule, staged while its
 * re-bucketing recomputes the rollups (docs/ARCHIVE.md#re-bucketing-a-shop); emptied by the
 * same D1 transaction. The parts in R2 keep the day they were archived with.
 */
export const rebucketArchivedSales = sqliteTable(
  "rebucket_archived_sales",
  {
    shopId: integer().notNull(),
    saleId: text().notNull(),
    businessDay: text().notNull(),
    lines: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.saleId] })],
);

export const rebucketArchivedRefunds = sqliteTable(
  "rebucket_archived_refunds",
  {
    shopId: integer().notNull(),
    refundId: text().notNull(),
    businessDay: text().notNull(),
    lines: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.refundId] })],
);
