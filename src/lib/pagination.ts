import { z } from "@hono/zod-openapi";
import { HttpError } from "./errors";

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export const pageQuerySchema = z.object({
  // A canonical decimal like path ids: `0x10` or `1e2` is a 400, not a page size.
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, `an integer 1..${MAX_LIMIT}`)
    .transform(Number)
    .pipe(z.number().max(MAX_LIMIT, `at most ${MAX_LIMIT}`))
    .default(DEFAULT_LIMIT)
    .openapi({
      type: "integer",
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_LIMIT,
      description: `Page size, 1..${MAX_LIMIT}`,
    }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "`next_cursor` of the previous page" }),
});

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/** Keyset cursors: the opaque form of the last id served, so pages never skip or repeat a row. */
export function encodeCursor(lastId: number): string {
  return btoa(JSON.stringify({ after: lastId })).replaceAll("=", "");
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = z
      .object({ after: z.number().int().nonnegative() })
      .parse(JSON.parse(atob(cursor)));
    return parsed.after;
  } catch {
    throw new HttpError("validation_failed", "The cursor is not one this API issued.", {
      errors: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
}

/** Takes `limit + 1` rows ordered by id; returns one page and the cursor of the next. */
export function toPage<T extends { id: number }, U>(
  rows: T[],
  limit: number,
  serialize: (row: T) => U,
): { items: U[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(serialize),
    next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/** A keyset cursor over text keys (a shop's receipt ids): the last key served. */
export function encodeKeyCursor(lastKey: string): string {
  return btoa(encodeURIComponent(JSON.stringify({ after_key: lastKey }))).replaceAll("=", "");
}

export function decodeKeyCursor(cursor: string | undefined): string {
  if (cursor === undefined) return "";
  try {
    return z
      .object({ after_key: z.string().max(200) })
      .parse(JSON.parse(decodeURIComponent(atob(cursor)))).after_key;
  } catch {
    throw new HttpError("validation_failed", "The cursor is not one this API issued.", {
      errors: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
}
