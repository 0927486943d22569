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

/**
 * A case-insensitive prefix match for any script: SQLite's LIKE and lower() fold ASCII only, so
 * each letter becomes a GLOB class of its two cases (`мос` → `[мМ][оО][сС]`). D1 caps a pattern
 * at 50 bytes, so the classes go in slices of the column, each slice's pattern under the cap.
 */
export function startsWithAnyCase(column: SQLWrapper, text: string): SQL {
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  const chunks: { start: number; length: number; pattern: string }[] = [];
  let at = 1;
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const token =
      lower !== upper && [...lower].length === 1 && [...upper].length === 1
        ? `[${lower}${upper}]`
        : "*?[".includes(ch)
          ? `[${ch}]`
          : ch;
    const last = chunks.at(-1);
    if (last && bytes(last.pattern + token) <= 50) {
      last.pattern += token;
      last.length += 1;
    } else {
      chunks.push({ start: at, length: 1, pattern: token });
    }
    at += 1;
  }
  if (chunks.length === 0) return sql`1`;
  return sql.join(
    chunks.map((c) => sql`substr(${column}, ${c.start}, ${c.length}) GLOB ${c.pattern}`),
    sql` AND `,
  );
}
