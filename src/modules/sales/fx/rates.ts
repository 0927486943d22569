// Exchange rates by date and what the reports convert with (docs/API.md#exchange-rates): a date's
// rates are one set against one base, so any cross rate of that date is the quotient of two.
import { and, asc, between, eq, gt, inArray, lte, max, or } from "drizzle-orm";
import { addDays, daysBetween } from "../../../lib/business-day";
import { exponentOf } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { fxRates } from "./schema";

/** A date's rates: units of each currency per one `base`. */
export type RateSet = { date: string; base: string; rates: Record<string, number> };

/** Replaces the rates of `date` with this set (the base itself is kept at 1). */
export async function putRates(ctx: ServiceContext, set: RateSet): Promise<RateSet> {
  const updatedAt = ctx.clock();
  const rates = { ...set.rates, [set.base]: 1 };
  await ctx.db.batch([
    ctx.db.delete(fxRates).where(eq(fxRates.date, set.date)),
    ctx.db.insert(fxRates).values(
      Object.entries(rates).map(([currency, rate]) => ({
        date: set.date,
        currency,
        base: set.base,
        rate,
        updatedAt,
      })),
    ),
  ]);
  return { date: set.date, base: set.base, rates };
}

/** A page of rate sets, oldest date first: dates in [from, to] after `after`. */
export async function listRates(
  ctx: ServiceContext,
  q: { from: string; to: string; after: string; limit: number },
) {
  const dates = await ctx.db
    .selectDistinct({ date: fxRates.date })
    .from(fxRates)
    .where(and(between(fxRates.date, q.from, q.to), gt(fxRates.date, q.after)))
    .orderBy(asc(fxRates.date))
    .limit(q.limit + 1);
  const page = dates.slice(0, q.limit).map((d) => d.date);
  const rows =
    page.length === 0
      ? []
      : await ctx.db
          .select()
          .from(fxRates)
          .where(inArray(fxRates.date, page))
          .orderBy(asc(fxRates.date), asc(fxRates.currency));
  const sets = new Map<string, RateSet>();
  for (const r of rows) {
    const set = sets.get(r.date) ?? { date: r.date, base: r.base, rates: {} };
    set.rates[r.currency] = r.rate;
    sets.set(r.date, set);
  }
  return { items: [...sets.values()], more: dates.length > q.limit, last: page.at(-1) ?? null };
}

/** How one currency was converted over a range: the rate date of its last day, its stalest day. */
export type FxUse = { rate_date: string; stale_days: number };

/**
 * What a report converts with: for each business day of the range and each currency, minor units
 * of the reporting currency per minor unit of that currency, by the day's rate or the latest
 * earlier one; a day without any is missing (its figures are listed apart, never guessed).
 */
export type Conversion = {
  currency: string;
  /** Each day of the range with its factors by currency; the reporting currency's are 1. */
  days: [day: string, factors: Record<string, number>][];
  fx: Record<string, FxUse>;
};

export async function conversionFor(
  ctx: ServiceContext,
  range: { from: string; to: string },
  currencies: readonly string[],
  reporting: string,
  // `fx` describes the days from here on (a report's own days, not the period before them).
  fxFrom: string = range.from,
): Promise<Conversion> {
  const foreign = [...new Set(currencies)].filter((c) => c !== reporting);
  const factors = new Map<string, Record<string, number>>();
  const fx: Record<string, FxUse> = {};
  const days = Array.from({ length: daysBetween(range.from, range.to) }, (_, i) =>
    addDays(range.from, i),
  );
  for (const day of days) factors.set(day, { [reporting]: 1 });
  const result = () => ({ currency: reporting, days: [...factors], fx });
  if (foreign.length === 0) return result();
  const wanted = [...foreign, reporting];
  // The latest set before the range that has each currency with the reporting one, then the range.
  const before = await Promise.all(
    foreign.map(async (c) => {
      const [row] = await ctx.db
        .select({ date: max(fxRates.date) })
        .from(fxRates)
        .where(
          and(
            eq(fxRates.currency, c),
            lte(fxRates.date, range.from),
            inArray(
              fxRates.date,
              ctx.db
                .select({ date: fxRates.date })
                .from(fxRates)
                .where(eq(fxRates.currency, reporting)),
            ),
          ),
        );
      return row?.date ?? null;
    }),
  );
  const earlier = [...new Set(before.filter((d): d is string => d !== null))];
  const rows = await ctx.db
    .select({ date: fxRates.date, currency: fxRates.currency, rate: fxRates.rate })
    .from(fxRates)
    .where(
      and(
        inArray(fxRates.currency, wanted),
        or(between(fxRates.date, range.from, range.to), inArray(fxRates.date, earlier)),
      ),
    )
    .orderBy(asc(fxRates.date));
  const sets = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const set = sets.get(r.date) ?? new Map<string, number>();
    set.set(r.currency, r.rate);
    sets.set(r.date, set);
  }
  const scale = (c: string) => 10 ** (exponentOf(reporting) - exponentOf(c));
  const latest = new Map<string, { date: string; factor: number }>();
  const take = (date: string) => {
    const set = sets.get(date);
    const base = set?.get(reporting);
    if (!set || base === undefined) return;
    for (const c of foreign) {
      const rate = set.get(c);
      // Units of the reporting currency per unit of c, in minor units of each.
      if (rate !== undefined && rate > 0) latest.set(c, { date, factor: (base / rate) * scale(c) });
    }
  };
  for (const date of earlier) if (date < range.from) take(date);
  for (const day of days) {
    take(day);
    for (const c of foreign) {
      const used = latest.get(c);
      if (!used) continue;
      (factors.get(day) as Record<string, number>)[c] = used.factor;
      if (day < fxFrom) continue;
      const stale = daysBetween(used.date, day) - 1;
      fx[c] = { rate_date: used.date, stale_days: Math.max(stale, fx[c]?.stale_days ?? 0) };
    }
  }
  return result();
}
