import { swaggerUI } from "@hono/swagger-ui";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { PatternRouter } from "hono/router/pattern-router";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { authenticate, requireAdmin } from "./lib/auth";
import { ApiError, codeForStatus, problemResponse } from "./lib/errors";
import { log } from "./lib/log";
import { bindContext, limitBody, requestLog, requireJsonBody } from "./lib/middleware";
import { validationHook } from "./lib/validation";
import { apiKeyRoutes, authRoutes } from "./modules/auth/routes";
import { bookRoutes } from "./modules/library/routes";
import { adminCompanyRoutes, companyRoutes } from "./modules/network/routes";
import { orderRoutes } from "./modules/orders/routes";
import { robotModelRoutes, robotRoutes } from "./modules/robots/routes";
import { benchRoutes } from "./modules/sales/bench-routes";
import {
  catalogAdminRoutes,
  catalogRoutes,
  reportRoutes,
  salesRoutes,
} from "./modules/sales/routes";
import { jobRoutes } from "./platform/jobs/routes";
import { outboxRoutes } from "./platform/mail/routes";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

export function createApp() {
  // strict: false — `/x` and `/x/` are one route (SPEC §5 wants both forms).
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, strict: false });

  app.use(requestId());
  app.use(requestLog);
  app.use(secureHeaders());
  app.use("/api/*", limitBody, requireJsonBody, bindContext);
  app.use("/health", bindContext);
  app.use("/api/v1/admin/*", authenticate, requireAdmin);

  app.get("/health", async (c) => {
    await c.env.DB.prepare("select 1").first();
    return c.json({ status: "ok" });
  });

  app.route("/api/v1/auth", authRoutes);
  app.route("/api/v1/admin/api-keys", apiKeyRoutes);
  app.route("/api/v1/admin/outbox", outboxRoutes);
  app.route("/api/v1/admin/jobs", jobRoutes);
  app.route("/api/v1", catalogRoutes);
  app.route("/api/v1/admin", catalogAdminRoutes);
  app.route("/api/v1/sales", salesRoutes);
  app.route("/api/v1/reports", reportRoutes);
  app.route("/api/bench", benchRoutes);
  // SPEC §5: the original contract's path and the versioned one.
  app.route("/api/orders", orderRoutes);
  app.route("/api/v1/orders", orderRoutes);
  app.route("/api/v1/books", bookRoutes);
  app.route("/api/v1/robots", robotRoutes);
  app.route("/api/v1/admin/robot-models", robotModelRoutes);
  app.route("/api/v1/admin/companies", adminCompanyRoutes);
  app.route("/api/v1/companies", companyRoutes);

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
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));

  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const allow = allowed(c.req.path).filter((m) => m !== c.req.method);
    const error =
      allow.length > 0
        ? new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}.`, {
            headers: { allow: allow.join(", ") },
          })
        : new ApiError("not_found", `There is no route ${c.req.method} ${c.req.path}.`);
    return renderError(error, c);
  });
  app.onError((error, c) => renderError(error, c));
  return app;
}

function renderError(error: Error, c: Context<AppEnv>): Response {
  const requestIdValue = c.get("requestId");
  let apiError: ApiError;
  if (error instanceof ApiError) {
    apiError = error;
  } else if (error instanceof HTTPException && error.status < 500) {
    // hono's own 4xx, e.g. malformed JSON from the body validator.
    apiError = new ApiError(codeForStatus(error.status), error.message);
  } else {
    log("error", "unhandled", {
      request_id: requestIdValue,
      path: c.req.path,
      error: error.message,
      stack: error.stack,
    });
    apiError = new ApiError(
      "internal",
      "Something went wrong on our side; the request id identifies it.",
    );
  }
  const response = problemResponse(apiError, c.req.path, requestIdValue);
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
