// Which business months take no new transactions (docs/ARCHIVE.md#archived-months): those being
// archived or archived. Read per isolate like the catalog, never per request: a freeze reaches
// every isolate within MONTHS_TTL_MS, and the job waits longer than that before it reads.
import { ne } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { archiveMonths } from "./schema";

const MONTHS_TTL_MS = 10_000;

let frozen: { months: Set<string>; loadedAt: number } | undefined;

/** The months being archived or archived, as this isolate last read them. */
export async function frozenMonths(db: Db): Promise<ReadonlySet<string>> {
  const now = Date.now();
  if (frozen && now - frozen.loadedAt < MONTHS_TTL_MS) return frozen.months;
  const rows = await db
    .select({ month: archiveMonths.month })
    .from(archiveMonths)
    .where(ne(archiveMonths.state, "open"));
  frozen = { months: new Set(rows.map((r) => r.month)), loadedAt: now };
  return frozen.months;
}

/** This isolate reads the months again on next use (it changed them). */
export function forgetFrozenMonths() {
  frozen = undefined;
}
