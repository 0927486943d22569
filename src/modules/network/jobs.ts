import { isNotNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { z } from "zod";
import type { Db } from "../../db/client";
import type { ServiceContext } from "../../platform/context";
import { defineBulkJob, defineScheduledJob, minutePeriod } from "../../platform/jobs/job";
import { companies } from "./schema";
import { clearDebt } from "./service";

// One JSON parameter per statement carries [id, amount] pairs (D1 binds ≤ 100 parameters).
const PER_STATEMENT = 500;

/** A uniform whole number of kopecks in [min, max] from the job's injected random source. */
export function randomMinor(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function debtStatements(
  db: Db,
  changes: [number, number][],
  floorAtZero: boolean,
): BatchItem<"sqlite">[] {
  const statements: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < changes.length; i += PER_STATEMENT) {
    const json = JSON.stringify(changes.slice(i, i + PER_STATEMENT));
    const delta = sql`(SELECT value ->> '$[1]' FROM json_each(${json}) WHERE value ->> '$[0]' = ${companies.id})`;
    statements.push(
      db
        .update(companies)
        .set({
          debtMinor: floorAtZero
            ? sql`max(0, ${companies.debtMinor} - ${delta})`
            : sql`${companies.debtMinor} + ${delta}`,
        })
        .where(sql`${companies.id} IN (SELECT value ->> '$[0]' FROM json_each(${json}))`),
    );
  }
  return statements;
}

async function plan(
  ctx: ServiceContext,
  where: "with-supplier" | "all",
  min: number,
  max: number,
  decrease: boolean,
) {
  const rows = await ctx.db
    .select({ id: companies.id })
    .from(companies)
    .where(where === "with-supplier" ? isNotNull(companies.supplierId) : undefined)
    .orderBy(companies.id);
  const changes = rows.map((r): [number, number] => [r.id, randomMinor(ctx.random, min, max)]);
  return {
    statements: debtStatements(ctx.db, changes, decrease),
    result: {
      companies: changes.length,
      total: changes.reduce((sum, [, amount]) => sum + amount, 0) / 100,
    },
  };
}

/** Every 3 hours: each company with a supplier owes it 5.00..500.00 more. */
export const debtIncreaseJob = defineScheduledJob({
  name: "debt-increase",
  cron: "0 */3 * * *",
  description: "Adds a random 5.00..500.00 to the debt of every company that has a supplier",
  period: minutePeriod,
  plan: (ctx) => plan(ctx, "with-supplier", 500, 50_000, false),
});

/** 06:30 UTC daily: each company pays back 100.00..10 000.00, never below 0. */
export const debtDecreaseJob = defineScheduledJob({
  name: "debt-decrease",
  cron: "30 6 * * *",
  description: "Takes a random 100.00..10 000.00 off every company's debt, never below 0",
  period: (scheduledTime) => scheduledTime.toISOString().slice(0, 10),
  plan: (ctx) => plan(ctx, "all", 10_000, 1_000_000, true),
});

/** clear-debt for more than 20 companies, through the jobs queue. */
export const clearDebtJob = defineBulkJob({
  name: "clear-debt",
  input: z.object({ ids: z.array(z.number().int().positive()) }),
  run: async (ctx, input) => ({ cleared: await clearDebt(ctx, input.ids) }),
  describe: (result) => {
    const n = (result as { cleared?: number } | null)?.cleared ?? 0;
    return `Cleared the debt of ${n} ${n === 1 ? "company" : "companies"}.`;
  },
});
