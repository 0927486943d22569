import { z } from "@hono/zod-openapi";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The problem responses a route can give; `route.ts` adds the ones its shape implies. */
export const errors = {
  400: problem("Malformed JSON or failed validation; `errors` lists every failing field"),
  401: problem("No or bad credentials"),
  403: problem("Authenticated but not allowed"),
  404: problem("Unknown resource"),
  409: problem("Uniqueness or ownership conflict"),
  413: problem("Body over the limit"),
  415: problem("Body is not JSON"),
  429: problem("Rate limited"),
} as const;

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { "application/json": { schema } },
  };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}
