import { z } from "zod";

/** Integer minor units (cents, kopecks) → the JSON number of the API, e.g. 250050 → 2500.5. */
export function toMajor(minor: number): number {
  return minor / 100;
}

/** A JSON number with at most 2 decimals → integer minor units; null when it has more decimals. */
export function toMinor(major: number): number | null {
  const minor = Math.round(major * 100);
  // Accept only values whose decimal form has ≤ 2 decimals (0.1 + 0.2 style noise excluded).
  return Math.abs(minor - major * 100) < 1e-6 ? minor : null;
}

/** Half-up rounding of an average of integer minor units (0 when there is nothing to average). */
export function averageMinor(totalMinor: number, n: number): number {
  return n === 0 ? 0 : Math.round(totalMinor / n);
}

/**
 * The largest sum of money the system keeps (a month's revenue of a shop, a day's revenue):
 * below 10^15 minor units every value prints back as the exact 2-decimal number it is.
 */
export const MAX_SUM_MINOR = 999_999_999_999_999;

/** A money field: a non-negative number with at most 2 decimals and at most `max`, in minor units. */
export function moneySchema(maxMinor = MAX_SUM_MINOR) {
  return z
    .number()
    .nonnegative()
    .max(maxMinor / 100, `at most ${(maxMinor / 100).toFixed(2)}`)
    .refine((v) => toMinor(v) !== null, { message: "must have at most 2 decimals" })
    .transform((v) => toMinor(v) as number);
}
