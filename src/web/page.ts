import { type RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv, PageFlash } from "../env";
import { DomainError } from "../lib/errors";
import { pageQuerySchema } from "../lib/pagination";
import { clearFlash, setFlash } from "../modules/auth";
import type { Guard } from "../platform/http/guards";
import { type AppRoute, defineRoute, type RouteSpec } from "../platform/http/route";
import type { PageContext } from "./layout";

type PageSpec = Pick<RouteSpec, "method" | "path" | "request" | "rateLimit"> & {
  guard: Guard;
  name: string;
};

/** A listing page: the API's cursor. */
export const listPageQuery = z.object({ cursor: pageQuerySchema.shape.cursor });

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
    (async (c: PageRequest<S>) => {
      const response = await handler(c);
      // A page that rendered the session's flash has shown it: the next one shows it no more.
      const session = c.var.session;
      if (session?.flash && response.headers.get("content-type")?.startsWith("text/html")) {
        await clearFlash(c.var.ctx, session.id);
      }
      return response;
    }) as never,
  );
}

export function pageContext(c: Context<AppEnv>): PageContext {
  return {
    principal: c.var.ctx.principal,
    csrfToken: c.var.csrfToken ?? "",
    flash: c.var.session?.flash ?? null,
  };
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

/**
 * After a form POST: back to a page (POST-redirect-GET, so a reload repeats nothing), with a
 * message the server keeps in the session for that page to show once.
 */
export async function redirectWith(
  c: Context<AppEnv>,
  path: string,
  flash?: string | PageFlash,
): Promise<Response> {
  const session = c.var.session;
  if (flash && session) {
    await setFlash(
      c.var.ctx,
      session.id,
      typeof flash === "string" ? { kind: "success", text: flash } : flash,
    );
  }
  return c.redirect(sameOriginPath(path, c.req.url) ?? "/", 303);
}

/** A form's values as typed and its errors by field name, for the page that shows it again. */
export type FormState = {
  values: Record<string, string | string[]>;
  errors: Record<string, string>;
};
export const emptyForm: FormState = { values: {}, errors: {} };

/** A rejected form's errors by top-level field (the first message of each). */
export function errorsByField(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * A service's refusal as a form's errors (by field where it names one, else for the whole form),
 * with the status the page answers; anything else is not the user's mistake and is rethrown.
 */
export function refusalOf(error: unknown): { errors: Record<string, string>; status: 400 | 409 } {
  if (!(error instanceof DomainError)) throw error;
  const errors: Record<string, string> = {};
  for (const e of error.errors) errors[e.path.split(/[.[]/)[0] || "form"] ??= e.message;
  if (Object.keys(errors).length === 0) errors.form = error.message;
  else errors.form ??= `Not saved: ${error.message}`;
  // A name in a field that means nothing (an unknown shop) is a mistake in the form: 400.
  const status = error.kind === "conflict" ? 409 : 400;
  return { errors, status };
}

/**
 * A form POST: a refusal (the schema's or the service's) shows the same form again with the
 * values as typed and each error next to its field (400, or 409 for a conflict); else `save`.
 */
export async function submitForm<T>(
  c: Context<AppEnv>,
  form: {
    values: FormState["values"];
    parsed: { success: true; data: T } | { success: false; error: z.ZodError };
    render: (state: FormState) => Promise<HtmlEscapedString | Promise<HtmlEscapedString>>;
    save: (data: T) => Promise<Response>;
  },
): Promise<Response> {
  const { values, parsed, render } = form;
  if (!parsed.success) {
    return c.html(await render({ values, errors: errorsByField(parsed.error) }), 400);
  }
  try {
    return await form.save(parsed.data);
  } catch (error) {
    const { errors, status } = refusalOf(error);
    return c.html(await render({ values, errors }), status);
  }
}
