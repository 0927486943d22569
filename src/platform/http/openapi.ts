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

type HeaderObject = { description: string; schema: { type: "string" | "integer" } };

const problem = (description: string, headers?: Record<string, HeaderObject>) => ({
  description,
  ...(headers && { headers }),
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The problem responses a route can give; `route.ts` adds the ones its shape implies. */
export const errors = {
  400: problem("Malformed JSON or failed validation; `errors` lists every failing field"),
  401: problem("No or bad credentials", {
    "WWW-Authenticate": { description: '`Bearer realm="retail-edge"`', schema: { type: "string" } },
  }),
  403: problem("Authenticated but not allowed"),
  404: problem("Unknown resource"),
  409: problem("Uniqueness or ownership conflict"),
  413: problem("Body over the limit"),
  415: problem("Body is not JSON"),
  429: problem("Rate limited", {
    "Retry-After": {
      description: "Seconds until a new attempt may pass",
      schema: { type: "integer" },
    },
  }),
} as const;

/** A JSON request body; `examples` are named bodies that /docs offers in "Try it out". */
export function jsonBody<T extends z.ZodType>(
  schema: T,
  description?: string,
  examples?: Record<string, { summary: string; value: unknown }>,
) {
  return {
    required: true,
    description,
    content: { "application/json": { schema, ...(examples && { examples }) } },
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
        "Errors are RFC 9457 problem+json. Lists are keyset-paginated: follow `next_cursor` until it is null. " +
        "Every response carries `X-Request-Id` (a client's own is kept). A known path with another method is a 405 with `Allow`.",
      // OpenAPI 3.1 names a license by its SPDX identifier (the generator's type knows 3.0's url).
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" } as { name: string },
    },
    servers: [{ url: "/", description: "The deployment that serves this document" }],
  });
}

/** Every response of the API carries the request's id. */
export const requestIdHeader = {
  "X-Request-Id": {
    description: "The request's id (the client's own X-Request-Id when it sent one)",
    schema: { type: "string" as const },
  },
};
