import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";

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

/** The OpenAPI 3.1 document at /openapi.json, generated from every route's zod schemas. */
export function describeApi(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "The operator's ADMIN_TOKEN, an API key (`re_…`) or a user's access JWT, depending on the route.",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Retail Edge API",
      version: "1.0.0",
      description:
        "Point-of-sale ingest, top-10 reports, orders, robots, an electronics network and a library. " +
        "Errors are RFC 9457 problem+json. Lists are keyset-paginated: follow `next_cursor` until it is null.",
    },
  });
}
