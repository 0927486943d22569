import { z } from "zod";
import { exponentOf, isCurrency } from "./money";

/** Every setting the Worker reads from its environment, checked once per isolate. */
const configSchema = z.object({
  ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must have at least 16 characters"),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must have at least 32 characters"),
  MAIL_TRANSPORT: z.enum(["outbox", "send_email"]).default("send_email"),
  MAIL_FROM: z.email().default("no-reply@retail-edge.example"),
  // The language of every e-mail; ru keeps the product's original texts word for word.
  MAIL_LOCALE: z.enum(["ru", "en"]).default("ru"),
  REPORT_EMAIL: z.email().default("operator@retail-edge.example"),
  // Edge cache of the top-10 reports; at most 1 s keeps reports inside the 2 s staleness bound.
  REPORT_CACHE_SECONDS: z.coerce.number().min(0).max(1).default(1),
  // The deployment's currency: a new shop's default and the one of a product's `price`, which
  // keeps two decimals, so it is a currency with two minor-unit digits (others go in `prices`).
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code")
    .refine((c) => isCurrency(c) && exponentOf(c) === 2, {
      message: "an ISO 4217 currency with two minor-unit digits",
    })
    .default("RUB"),
  // The currency of figures over several shops (default CURRENCY), converted per business day
  // at that day's rate (docs/API.md#reporting-currency); `?currency=` picks another per request.
  REPORTING_CURRENCY: z.string().refine(isCurrency, { message: "an ISO 4217 code" }).optional(),
  // The zone whose date the dashboard's presets (today, this month, …) start from.
  DASHBOARD_TIME_ZONE: z.string().default("UTC"),
  // How long a shop's re-bucketing waits after its business day changed: every isolate's
  // catalog snapshot (10 s, see catalog/snapshot.ts) must have the new rule before history moves.
  REBUCKET_DELAY_SECONDS: z.coerce.number().int().min(0).max(600).default(15),
  // A month is archived to R2 once every shop's business month ended this many days ago.
  ARCHIVE_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(45),
  // How long an archive waits after freezing a month before it reads it: every isolate's
  // month snapshot (10 s, see archive/months.ts) refuses the month's new sales by then.
  ARCHIVE_FREEZE_SECONDS: z.coerce.number().int().min(0).max(600).default(15),
  // D1's size limit: 10 GB a database on the paid plan (500 MB on Workers Free); /admin warns at 80 %.
  D1_LIMIT_BYTES: z.coerce.number().int().positive().default(10_000_000_000),
  // Browser origins allowed to call the API cross-origin, comma-separated (none by default).
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    )
    .pipe(z.array(z.url().refine((u) => u !== "*", "list origins, not *"))),
});

export type Config = Omit<z.infer<typeof configSchema>, "REPORTING_CURRENCY"> & {
  REPORTING_CURRENCY: string;
  jwtKey: Uint8Array;
};

// One env object per isolate: secrets are parsed once, not per request.
const cache = new WeakMap<object, Config>();

export function getConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) {
      throw new Error(
        `Worker misconfigured: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    config = {
      ...parsed.data,
      REPORTING_CURRENCY: parsed.data.REPORTING_CURRENCY ?? parsed.data.CURRENCY,
      jwtKey: new TextEncoder().encode(parsed.data.JWT_SECRET),
    };
    cache.set(env, config);
  }
  return config;
}
