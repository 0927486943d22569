import { and, gt, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";

type KeyedTable = SQLiteTable & { id: SQLiteColumn };

/**
 * One keyset page of a table by id: the rows after `afterId` that pass the filters, `limit + 1`
 * of them so that `toPage` can tell whether another page follows.
 */
export function rowsAfter<T extends KeyedTable>(
  db: Db,
  table: T,
  afterId: number,
  limit: number,
  ...filters: (SQL | undefined)[]
): Promise<T["$inferSelect"][]> {
  return db
    .select()
    .from(table as SQLiteTable)
    .where(and(gt(table.id, afterId), ...filters))
    .orderBy(table.id)
    .limit(limit + 1) as Promise<T["$inferSelect"][]>;
}
