import { type RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { pageQuerySchema } from "../lib/pagination";
import type { Guard } from "../platform/http/guards";
import { type AppRoute, defineRoute, type RouteSpec } from "../platform/http/route";
import type { PageContext } from "./layout";

type PageSpec = Pick<RouteSpec, "method" | "path" | "request" | "rateLimit"> & {
  guard: Guard;
  name: string;
};

/** A page's one-line notice, set by the form that redirected to it. */
export const noticeQuery = z.object({ notice: z.string().max(200).optional() });
/** A listing page: the API's cursor, and the notice. */
export const listPageQuery = noticeQuery.extend({ cursor: pageQuerySchema.shape.cursor });

/** A page handler's context: `c.req.valid("query" | "param")` typed from the spec's schemas. */
type PageRequest<S extends PageSpec> = Parameters<
  RouteHandler<S & { responses: { 200: { description: string } } }, AppEnv>
>[0];

/**
 * A server-rendered page: a route like the API's (declared guard, after routing, validated
 * inputs), signed in by the session cookie, left out of the OpenAPI document.
 */
export function page<const S extends PageSpec>(
  spec: S,
  handler: (c: PageRequest<S>) => Response | Promise<Response>,
): AppRoute {
  const { name, ...rest } = spec;
  return defineRoute(
    {
      ...rest,
      operationId: `page_${name}`,
      credentials: "session",
      hide: true,
      responses: { 200: { description: "An HTML page" } },
    },
    handler as never,
  );
}

export function pageContext(c: Context<AppEnv>): PageContext {
  return { principal: c.var.ctx.principal, csrfToken: c.var.csrfToken ?? "" };
}

/** A form field as a trimmed string ("" when absent). */
export async function formOf(c: Context<AppEnv>) {
  const body = await c.req.parseBody({ all: true });
  return {
    text: (name: string) => {
      const value = body[name];
      return typeof value === "string" ? value.trim() : "";
    },
    all: (name: string) => {
      const value = body[name];
      const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return list.filter((v): v is string => typeof v === "string");
    },
  };
}

/** Whether a value holds a C0 control character or DEL: never part of a path we redirect to. */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A redirect target as a path of this site, or null. Parsed with the URL standard the browser
 * uses, so `/\\host`, `/\t/host` and dot segments that climb to `//host` resolve where a browser
 * would send them, and only a target on our own origin passes.
 */
export function sameOriginPath(target: string, requestUrl: string): string | null {
  if (!target.startsWith("/") || hasControlCharacters(target)) return null;
  const origin = new URL(requestUrl).origin;
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return null;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== origin || path.startsWith("//")) return null;
  return path;
}

/** After a form POST: back to a page, with a one-line notice in its query. */
export function redirectWith(c: Context<AppEnv>, path: string, notice?: string) {
  const url = new URL(sameOriginPath(path, c.req.url) ?? "/", c.req.url);
  if (notice) url.searchParams.set("notice", notice);
  return c.redirect(`${url.pathname}${url.search}`, 303);
}
