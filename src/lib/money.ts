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

/** A money field: a non-negative number with at most 2 decimals, parsed to minor units. */
export const moneySchema = z
  .number()
  .nonnegative()
  .refine((v) => toMinor(v) !== null && Number.isSafeInteger(toMinor(v)), {
    message: "must have at most 2 decimals",
  })
  .transform((v) => toMinor(v) as number);
