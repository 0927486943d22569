// Business dates (docs/API.md#business-days): a shop's day D runs from D `day_starts_at` local time to the same
// local time on D+1. Dates are `YYYY-MM-DD` strings, computed once per transaction at ingest.

const DAY_MS = 86_400_000;

// One formatter per zone and isolate: building an Intl.DateTimeFormat costs far more than using it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The IANA zone's canonical name (`utc` → `UTC`), or null when `Intl` does not know it. */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The local wall-clock time of an instant in a zone, as milliseconds of a UTC calendar. */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(instantMs);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
}

const HOUR_MS = 3_600_000;
const dateOf = (wallMs: number, dayStartMinutes: number) =>
  new Date(wallMs - dayStartMinutes * 60_000).toISOString().slice(0, 10);

/**
 * The business date of an instant for a shop: the day D whose start (the first instant at which
 * the local clock reads D `day_starts_at`) is the latest one not after the instant. A DST day is
 * 23 or 25 hours long; a start inside a skipped hour begins at the first local time after it.
 */
export function businessDay(instantMs: number, timeZone: string, dayStartMinutes: number): string {
  // A batch's sales sent without a time share one instant: two Intl calls each were most of a
  // batch's Worker time. The last answers are kept, by their exact arguments.
  const key = `${instantMs}|${timeZone}|${dayStartMinutes}`;
  let day = recent.get(key);
  if (day === undefined) {
    if (recent.size >= RECENT_MAX) recent.clear();
    day = computeBusinessDay(instantMs, timeZone, dayStartMinutes);
    recent.set(key, day);
  }
  return day;
}

const RECENT_MAX = 4096;
const recent = new Map<string, string>();

function computeBusinessDay(instantMs: number, timeZone: string, dayStartMinutes: number): string {
  const wall = wallClockMs(instantMs, timeZone);
  const hourAgo = wallClockMs(instantMs - HOUR_MS, timeZone);
  // The clock went back within the last hour (zones move by at most an hour): the day may have
  // started at the first pass of the repeated time, so the latest wall time seen since counts.
  if (hourAgo + HOUR_MS > wall) {
    const latest = Math.max(wall, latestWallSince(instantMs - HOUR_MS, instantMs, timeZone));
    return dateOf(latest, dayStartMinutes);
  }
  return dateOf(wall, dayStartMinutes);
}

/** The latest wall-clock time in (from, to]: just before the clock went back, found by halving. */
function latestWallSince(fromMs: number, toMs: number, timeZone: string): number {
  const offset = (at: number) => wallClockMs(at, timeZone) - Math.floor(at / 60_000) * 60_000;
  const before = offset(fromMs);
  let lo = fromMs;
  let hi = toMs;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return wallClockMs(lo, timeZone);
}

/** `HH:MM` → minutes after midnight. */
export const minutesOf = (hhmm: string): number =>
  Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes after midnight → `HH:MM`. */
export const hhmmOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOfNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

export const addDays = (day: string, n: number): string => dayOfNumber(dayNumber(day) + n);

/** Days from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string): number =>
  dayNumber(to) - dayNumber(from) + 1;

/** The Monday of a date's ISO week. */
export function weekStart(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export type Interval = "day" | "week" | "month";

/** The period a date falls in: the date, its week's Monday, or its `YYYY-MM`. */
export function periodOf(day: string, interval: Interval): string {
  if (interval === "day") return day;
  return interval === "week" ? weekStart(day) : day.slice(0, 7);
}

/** Every period that [from, to] touches, in order. */
export function periodsBetween(from: string, to: string, interval: Interval): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const p = periodOf(d, interval);
    if (out.at(-1) !== p) out.push(p);
  }
  return out;
}

/** The first and last date of a `YYYY-MM` month. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}
