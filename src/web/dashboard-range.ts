import { z } from "@hono/zod-openapi";
import { addDays, businessDay, daysBetween, type Interval, monthRange } from "../lib/business-day";
import { notFound } from "../lib/errors";
import { idSchema } from "../lib/ids";
import { currencySchema } from "../lib/money";
import { seesShop } from "../lib/principal";
import { getShop, type Shop } from "../modules/catalog";
import { dateSchema, MAX_RANGE_DAYS, monthSchema } from "../modules/sales";
import type { ServiceContext } from "../platform/context";

export const PRESETS = {
  today: "Today",
  yesterday: "Yesterday",
  last_7_days: "Last 7 days",
  this_month: "This month",
  last_month: "Last month",
} as const;
export type Preset = keyof typeof PRESETS;

const rangeFields = {
  preset: z.enum(Object.keys(PRESETS) as [Preset, ...Preset[]]).optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  month: monthSchema.optional(),
  interval: z.enum(["day", "week", "month"]).optional(),
  // The chain's figures in another currency than REPORTING_CURRENCY (docs/API.md#reporting-currency).
  currency: currencySchema.optional(),
};

/** A preset, a month or a custom range (both dates, at most 366 days). */
function checkRange(
  q: { from?: string | undefined; to?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((q.from === undefined) !== (q.to === undefined)) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "give both dates of a custom range" });
  } else if (q.from !== undefined && q.to !== undefined) {
    if (q.to < q.from)
      ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before the start" });
    else if (daysBetween(q.from, q.to) > MAX_RANGE_DAYS)
      ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_RANGE_DAYS} days` });
  }
}

/** What the dashboard is asked for: a preset or a range. */
export const dashboardQuery = z.object(rangeFields).superRefine(checkRange);

/** The same for the fragment and the exports, which may name one shop. */
export const shopRangeQuery = z
  .object({ ...rangeFields, shop_id: idSchema.optional() })
  .superRefine(checkRange);

export type DashboardQuery = z.infer<typeof dashboardQuery>;

export type ResolvedRange = {
  from: string;
  to: string;
  interval: Interval;
  preset: Preset | null;
  label: string;
  /** `?currency=`, kept in every link of the view. */
  currency: string | null;
};

/** The range a query means: a custom range, a month, or a preset (the last 7 days by default). */
export function resolveRange(q: DashboardQuery, now: Date, timeZone: string): ResolvedRange {
  const today = businessDay(now.getTime(), timeZone, 0);
  let range: { from: string; to: string };
  let preset: Preset | null = null;
  if (q.from !== undefined && q.to !== undefined) range = { from: q.from, to: q.to };
  else if (q.month !== undefined) range = monthRange(q.month);
  else {
    preset = q.preset ?? "last_7_days";
    range = presetRange(preset, today);
  }
  const days = daysBetween(range.from, range.to);
  const interval = q.interval ?? (days <= 62 ? "day" : days <= 190 ? "week" : "month");
  const label = range.from === range.to ? range.from : `${range.from} – ${range.to}`;
  return { ...range, interval, preset, label, currency: q.currency ?? null };
}

function presetRange(preset: Preset, today: string) {
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "yesterday":
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case "last_7_days":
      return { from: addDays(today, -6), to: today };
    case "this_month":
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case "last_month":
      return monthRange(addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7));
  }
}

/** The query string of a range, for links that keep what is on screen. */
export function rangeSearch(range: ResolvedRange, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(
    range.preset ? { preset: range.preset } : { from: range.from, to: range.to },
  );
  params.set("interval", range.interval);
  if (range.currency) params.set("currency", range.currency);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** A shop the signed-in reader may see; another is a 404, as if it did not exist (docs/API.md#managers). */
export async function visibleShop(ctx: ServiceContext, id: number): Promise<Shop> {
  if (!seesShop(ctx.principal, id)) throw notFound(`There is no shop ${id}.`);
  return getShop(ctx.db, id);
}
