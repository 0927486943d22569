import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { createDb, type Db } from "../db/client";
import type { AppEnv } from "../env";
import { getConfig } from "./config";
import { ApiError } from "./errors";

export const BODY_LIMIT = 1024 * 1024;
export const UPLOAD_BODY_LIMIT = 5 * 1024 * 1024;
// Bulk uploads get the larger limit of SPEC §2; everything else the default.
const UPLOAD_PATHS = [/\/orders\/upload\/?$/];

const tooLarge = (limit: number) => () => {
  throw new ApiError("payload_too_large", `The request body is over the limit of ${limit} bytes.`);
};
const defaultLimit = bodyLimit({ maxSize: BODY_LIMIT, onError: tooLarge(BODY_LIMIT) });
const uploadLimit = bodyLimit({ maxSize: UPLOAD_BODY_LIMIT, onError: tooLarge(UPLOAD_BODY_LIMIT) });

export const limitBody = createMiddleware<AppEnv>((c, next) =>
  UPLOAD_PATHS.some((re) => re.test(c.req.path)) ? uploadLimit(c, next) : defaultLimit(c, next),
);

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** A write that carries a body must say it is JSON (415 otherwise). */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  if (method === "POST" || method === "PUT" || method === "PATCH") {
    const length = c.req.header("content-length");
    const hasBody =
      c.req.header("transfer-encoding") !== undefined || (length !== undefined && length !== "0");
    const type = c.req.header("content-type");
    if (hasBody && !(type && JSON_TYPE.test(type))) {
      throw new ApiError(
        "unsupported_media_type",
        `Send the body as application/json (got ${type ?? "no content-type"}).`,
      );
    }
  }
  await next();
});

const dbCache = new WeakMap<D1Database, Db>();

/** Config (checked once per isolate) and the drizzle client, for every route. */
export const bindContext = createMiddleware<AppEnv>(async (c, next) => {
  c.set("config", getConfig(c.env));
  let db = dbCache.get(c.env.DB);
  if (!db) {
    db = createDb(c.env.DB);
    dbCache.set(c.env.DB, db);
  }
  c.set("db", db);
  await next();
});

/** One JSON line per request. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  console.log(
    JSON.stringify({
      level: "info",
      msg: "request",
      request_id: c.var.requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round(performance.now() - started),
    }),
  );
});
