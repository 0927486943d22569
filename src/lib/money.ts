import { data as iso4217 } from "currency-codes";
import { z } from "zod";

// Money is integer minor units everywhere (docs/API.md#money); a currency's exponent (its
// minor-unit digits: JPY 0, RUB 2, KWD 3) comes from the ISO 4217 list itself (the
// currency-codes package). ICU's digits are CLDR's, which differ for some (HUF 0, IQD 0, where
// ISO says 2 and 3), so Intl only formats, with these digits.

/** An ISO 4217 currency and its minor-unit digits. */
export type Currency = { code: string; exponent: number };

// The list as a map, once: the package's own look-up scans the list, and every sale asks.
const DIGITS = new Map(iso4217.map((c) => [c.code, c.digits]));

/** Whether `code` is on the ISO 4217 list. */
export const isCurrency = (code: string): boolean => DIGITS.has(code);

/** A currency's minor-unit digits (ISO 4217), e.g. 0 for JPY, 3 for KWD; 2 for an unknown code. */
export const exponentOf = (code: string): number => DIGITS.get(code) ?? 2;

export const currencyOf = (code: string): Currency => ({ code, exponent: exponentOf(code) });

/** A three-letter code on the ISO 4217 list. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, "an ISO 4217 code, e.g. EUR")
  .refine(isCurrency, { message: "not an ISO 4217 currency" });

/** What is wrong with a code used as a key (of prices, of rates); null when it is a currency. */
export function currencyIssue(code: string): string | null {
  const parsed = currencySchema.safeParse(code);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? "not an ISO 4217 currency");
}

/** Integer minor units → the JSON number of the API, e.g. 250050 → 2500.5 (RUB), 2500 → 2500 (JPY). */
export function toMajor(minor: number, exponent = 2): number {
  return exponent === 0 ? minor : minor / 10 ** exponent;
}

/** A JSON number with at most `exponent` decimals → integer minor units; null when it has more. */
export function toMinor(major: number, exponent = 2): number | null {
  const scale = 10 ** exponent;
  const minor = Math.round(major * scale);
  // Accept only values whose decimal form has ≤ `exponent` decimals (0.1 + 0.2 style noise excluded).
  return Math.abs(minor - major * scale) < 1e-6 ? minor : null;
}

/** "must have at most 2 decimals (RUB)", "must be whole (JPY)". */
export const decimalsMessage = (c: Currency) =>
  c.exponent === 0
    ? `must be a whole number (${c.code} has no minor unit)`
    : `must have at most ${c.exponent} decimals (${c.code})`;

/** Half-up rounding of an average of integer minor units (0 when there is nothing to average). */
export function averageMinor(totalMinor: number, n: number): number {
  return n === 0 ? 0 : Math.round(totalMinor / n);
}

/**
 * The largest sum of money the system keeps (a month's revenue of a shop, a day's revenue):
 * below 10^15 minor units every value prints back as the exact decimal number it is.
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

/** An amount of the API (a major-unit number) for a table: "2,500.50" (RUB), "2,500" (JPY). */
export function formatAmount(major: number, currency: string): string {
  const digits = exponentOf(currency);
  return major.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
