import { drizzle } from "drizzle-orm/d1";

// No schema object: every query names its tables, so the client needs no module's tables.
export function createDb(d1: D1Database) {
  return drizzle(d1, { casing: "snake_case" });
}

export type Db = ReturnType<typeof createDb>;
