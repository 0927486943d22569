import { z } from "@hono/zod-openapi";

/** The largest id a path may name: JavaScript's exact integers, within SQLite's 64 bits. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/**
 * A path id: a canonical positive decimal integer. `0x10`, `1.0`, `1e3`, `+1`, `01` and ` 1`
 * are refused, so one resource has exactly one URL.
 */
export const idSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, "a positive decimal integer without sign, zeros or spaces")
  .transform(Number)
  .refine((id) => id <= MAX_ID, `at most ${MAX_ID}`)
  .openapi({ type: "string", pattern: "^[1-9][0-9]{0,15}$", example: "1" });

/** The params of every `/{id}` route. */
export const idParams = z.object({
  id: idSchema.openapi({ param: { name: "id", in: "path" } }),
});

/** An id inside a JSON body (product_id, company_id, …): a positive integer in range. */
export const bodyIdSchema = z.number().int().positive().max(MAX_ID);

/**
 * A UUIDv7: 48 bits of Unix milliseconds, then random bits. Ids the server makes sort by time,
 * so the unique index they go into grows at its end instead of at random places.
 */
export function timeOrderedId(now = Date.now()): string {
  // randomUUID's random bits, behind the time: cheaper than assembling bytes by hand.
  const time = now.toString(16).padStart(12, "0");
  const random = crypto.randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
