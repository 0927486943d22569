import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { getConfig } from "../../lib/config";
import { HttpError } from "../../lib/errors";
import { log } from "../../lib/log";
import type { EntityLinks } from "../context";
import { createServiceContext } from "../context";

export const BODY_LIMIT = 1024 * 1024;
export const UPLOAD_BODY_LIMIT = 5 * 1024 * 1024;
// Bulk uploads get the larger limit; everything else the default.
const UPLOAD_PATHS = [/\/orders\/upload\/?$/];

const limitFor = (path: string) =>
  UPLOAD_PATHS.some((re) => re.test(path)) ? UPLOAD_BODY_LIMIT : BODY_LIMIT;

const tooLarge = (limit: number) =>
  new HttpError("payload_too_large", `The request body is over the limit of ${limit} bytes.`);

const limiters = new Map(
  [BODY_LIMIT, UPLOAD_BODY_LIMIT].map((limit) => [
    limit,
    bodyLimit({
      maxSize: limit,
      onError: () => {
        throw tooLarge(limit);
      },
    }),
  ]),
);

/** 413 past the path's limit, counted on the bytes the handler will parse. */
export const limitBody = createMiddleware<AppEnv>((c, next) => {
  const limiter = limiters.get(limitFor(c.req.path));
  if (!limiter) throw new Error("no body limiter");
  return limiter(c, next);
});

/**
 * `Content-Encoding: gzip` bodies are decompressed here, counting the decompressed bytes
 * against the limit as they arrive (a gzip bomb stops at the limit, never fills memory).
 * Any other encoding is a 415.
 */
export const decodeBody = createMiddleware<AppEnv>(async (c, next) => {
  const encoding = c.req.header("content-encoding")?.trim().toLowerCase();
  if (!encoding || encoding === "identity" || !c.req.raw.body) return next();
  if (encoding !== "gzip") {
    throw new HttpError(
      "unsupported_media_type",
      `Content-Encoding ${encoding} is not supported; send identity or gzip.`,
    );
  }
  const limit = limitFor(c.req.path);
  const reader = c.req.raw.body.pipeThrough(new DecompressionStream("gzip")).getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(limit);
      }
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError("bad_request", "The body is not valid gzip data.");
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  const headers = new Headers(c.req.raw.headers);
  headers.delete("content-encoding");
  headers.set("content-length", String(size));
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body });
  await next();
});

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
      throw new HttpError(
        "unsupported_media_type",
        `Send the body as application/json (got ${type ?? "no content-type"}).`,
      );
    }
  }
  await next();
});

/** The service context of the request; the route's guard fills in the principal. */
export function bindContext(links: EntityLinks) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("ctx", createServiceContext(c.env, { kind: "anonymous" }, links));
    await next();
  });
}

/** One JSON line per request, its level by status: 4xx warn, 5xx error. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  log(status >= 500 ? "error" : status >= 400 ? "warn" : "info", "request", {
    request_id: c.var.requestId,
    method: c.req.method,
    path: c.req.path,
    status,
    duration_ms: Math.round(performance.now() - started),
  });
});

/**
 * Browser clients on other origins: only the configured ones (CORS_ORIGINS), never `*`, no
 * cookies; a preflight is answered here, before routing and credentials.
 */
export const corsForConfiguredOrigins = cors({
  origin: (origin, c) => (getConfig(c.env).CORS_ORIGINS.includes(origin) ? origin : null),
  allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
  allowHeaders: [
    "Authorization",
    "Content-Type",
    "Content-Encoding",
    "Idempotency-Key",
    "X-Request-Id",
  ],
  exposeHeaders: ["X-Request-Id", "ETag", "Retry-After", "Server-Timing"],
  maxAge: 600,
});
