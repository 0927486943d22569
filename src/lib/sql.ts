import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

/**
 * `column IN (values)` with the values as one JSON parameter: D1 binds at most 100 parameters
 * per statement, a JSON array any number of values (up to 2 MB).
 */
export function inJson(column: SQLWrapper, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** Splits rows into statements of at most `size` rows each. */
export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** A PATCH's changes: the fields that were sent (drizzle would write `undefined` as NULL). */
export function definedFields<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
