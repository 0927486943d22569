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
