import {
  createRoute,
  type OpenAPIHono,
  type RouteConfig,
  type RouteHandler,
} from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { type Authenticators, type Credentials, type Guard, guardMiddleware } from "./guards";
import { errors, requestIdHeader } from "./openapi";
import { type ClientRateLimit, limitPerClient } from "./rate-limit";

/** A route as a module declares it: its full path, its guard and its OpenAPI description. */
export type RouteSpec = Omit<RouteConfig, "security" | "middleware" | "operationId"> & {
  operationId: string;
  guard: Guard;
  /** How the guard knows the caller: a bearer token (the API, default) or a session (pages). */
  credentials?: Credentials;
  rateLimit?: ClientRateLimit;
  /** Response middleware that runs after the guard (e.g. hono's etag). */
  after?: MiddlewareHandler<AppEnv>[];
};

export type AppRoute = {
  spec: RouteSpec;
  // biome-ignore lint/suspicious/noExplicitAny: each route's handler is typed by defineRoute.
  handler: RouteHandler<any, AppEnv>;
};

/** Declares a route; the handler's input and output types follow from the spec. */
export function defineRoute<const R extends RouteSpec>(
  spec: R,
  handler: RouteHandler<R, AppEnv>,
): AppRoute {
  return { spec, handler: handler as AppRoute["handler"] };
}

/** The same route under another path (a module's original contract, for example). */
export function aliasRoute(route: AppRoute, path: string, operationId: string): AppRoute {
  return { spec: { ...route.spec, path, operationId }, handler: route.handler };
}

/** The problem responses a route's shape implies, so no route has to list them. */
function impliedErrors(spec: RouteSpec) {
  const request = spec.request ?? {};
  const hasInput = Boolean(request.body || request.params || request.query || request.headers);
  return {
    ...(hasInput && { 400: errors[400] }),
    ...(spec.guard.kind !== "public" && { 401: errors[401], 403: errors[403] }),
    ...(request.body && { 413: errors[413], 415: errors[415] }),
    ...(spec.rateLimit && { 429: errors[429] }),
  };
}

type ResponseObject = { headers?: Record<string, unknown> } & Record<string, unknown>;

function withRequestId(responses: Record<string, ResponseObject>) {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...response, headers: { ...requestIdHeader, ...response.headers } },
    ]),
  );
}

/** Registers routes on the app: guard (after routing), rate limit, then validation. */
export function mountRoutes(
  app: OpenAPIHono<AppEnv>,
  routes: readonly AppRoute[],
  auth: Authenticators,
) {
  // Each handler was typed against its own spec by defineRoute; here every route is alike.
  const register = app.openapi.bind(app) as (
    route: RouteConfig,
    handler: AppRoute["handler"],
  ) => unknown;
  for (const { spec, handler } of routes) {
    const { guard, credentials = "bearer", rateLimit, after = [], ...config } = spec;
    const middleware: MiddlewareHandler<AppEnv>[] = [];
    if (rateLimit) middleware.push(limitPerClient(rateLimit));
    middleware.push(guardMiddleware(guard, credentials, auth), ...after);
    const route = createRoute({
      ...config,
      security: guard.kind === "public" || credentials === "session" ? [] : [{ bearer: [] }],
      responses: withRequestId({ ...impliedErrors(spec), ...config.responses }),
      middleware,
    });
    register(route, handler);
  }
}
