import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { PatternRouter } from "hono/router/pattern-router";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { codeForStatus, HttpError, problemResponse, toHttpError } from "./lib/errors";
import { log } from "./lib/log";
import { links, modules } from "./modules";
import { authenticateBearer, authenticateSession } from "./modules/auth";
import {
  bindContext,
  corsForConfiguredOrigins,
  decodeBody,
  limitBody,
  requestLog,
  requireJsonBody,
} from "./platform/http/middleware";
import { describeApi } from "./platform/http/openapi";
import { mountRoutes } from "./platform/http/route";
import { validationHook } from "./platform/http/validation";
import { isPage, pageMiddleware, renderPageError } from "./web";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

export function createApp() {
  // strict: false — `/x` and `/x/` are one route.
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, strict: false });

  app.use(requestId());
  app.use(requestLog);
  app.use(secureHeaders());
  app.use("/api/*", corsForConfiguredOrigins);
  app.use("/api/*", decodeBody, limitBody, requireJsonBody);
  app.use(pageMiddleware);
  app.use(bindContext(links));

  // Guards run per route, after routing: a wrong method is a 405 before any credential check.
  mountRoutes(
    app,
    modules.flatMap((m) => m.routes),
    { bearer: authenticateBearer, session: authenticateSession },
  );

  describeApi(app);

  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const allow = allowed(c.req.path).filter((m) => m !== c.req.method);
    const error =
      allow.length > 0
        ? new HttpError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}.`, {
            headers: { allow: allow.join(", ") },
          })
        : new HttpError("not_found", `There is no route ${c.req.method} ${c.req.path}.`);
    return renderError(error, c);
  });
  app.onError((error, c) => renderError(error, c));
  return app;
}

/** The one place an error becomes a response: problem+json; only a 5xx is logged. */
async function renderError(error: Error, c: Context<AppEnv>): Promise<Response> {
  const requestIdValue = c.get("requestId");
  let known = toHttpError(error);
  if (!known && error instanceof HTTPException && error.status < 500) {
    // hono's own 4xx, e.g. malformed JSON from the body validator.
    known = new HttpError(codeForStatus(error.status), error.message);
  }
  if (!known) {
    log("error", "unhandled", {
      request_id: requestIdValue,
      path: c.req.path,
      error: error.message,
      stack: error.stack,
    });
    known = new HttpError(
      "internal",
      "Something went wrong on our side; the request id identifies it.",
    );
  }
  const url = new URL(c.req.url);
  const response = isPage(url.pathname)
    ? await renderPageError(known, c)
    : problemResponse(known, c.req.path, requestIdValue);
  if (requestIdValue) response.headers.set("x-request-id", requestIdValue);
  return response;
}

/** Which methods a path has, so an unknown method on a known path is a 405, not a 404. */
function allowedMethods(app: OpenAPIHono<AppEnv>) {
  let router: PatternRouter<string> | undefined;
  return (rawPath: string): string[] => {
    if (!router) {
      router = new PatternRouter<string>();
      for (const route of app.routes) {
        if ((METHODS as readonly string[]).includes(route.method))
          router.add(route.method, route.path, route.method);
      }
    }
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, "") : rawPath;
    const matcher = router;
    return METHODS.filter((m) => matcher.match(m, path)[0].length > 0);
  };
}
