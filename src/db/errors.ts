// D1 reports SQLite's failures as messages (sometimes on the cause); drizzle wraps them.
function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
}

/** A UNIQUE or PRIMARY KEY conflict, optionally on one table. */
export function isUniqueViolation(error: unknown, table?: string): boolean {
  const text = messageOf(error);
  return /UNIQUE constraint failed/i.test(text) && (!table || text.includes(`${table}.`));
}

/**
 * A failure caused by the data of the statement (a CHECK bound, an integer overflow, a type),
 * which retrying the same rows cannot fix, as opposed to D1 being unavailable.
 */
export function isDataError(error: unknown): boolean {
  return /CHECK constraint failed|NOT NULL constraint failed|integer overflow|datatype mismatch|too big/i.test(
    messageOf(error),
  );
}
