import type { Context } from "hono";
import { every } from "hono/combine";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal } from "../env";
import type { HttpError } from "../lib/errors";
import { authenticateSession } from "../modules/auth";
import { limitBody } from "../platform/http/middleware";
import type { ModuleManifest } from "../platform/module";
import { apiKeyPages } from "./admin/api-keys";
import { archivePages } from "./admin/archive";
import { catalogPages } from "./admin/catalog";
import { companyPages } from "./admin/companies";
import { companyPage } from "./admin/company";
import { fxRatePages } from "./admin/fx-rates";
import { adminHomePages } from "./admin/home";
import { jobPages } from "./admin/jobs";
import { orderPages } from "./admin/orders";
import { outboxPages } from "./admin/outbox";
import { robotPages } from "./admin/robots";
import { terminalPages } from "./admin/terminals";
import { userPages } from "./admin/users";
import { dashboardPages } from "./dashboard";
import { exportPages } from "./dashboard-export";
import { receiptPages } from "./dashboard-receipts";
import { Layout } from "./layout";
import { sessionPages } from "./session-pages";

const PAGE_PATHS = /^\/(login|logout|dashboard|admin)(\/|$)|^\/$/;

export function isPage(path: string): boolean {
  return PAGE_PATHS.test(path);
}

// Everything a page loads comes from this Worker: no inline script, no other origin.
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

const strictCsp = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.has("content-security-policy"))
    c.res.headers.set("content-security-policy", PAGE_CSP);
});
// A page may show what only its signed-in reader should see (a key shown once, figures): no
// browser or proxy keeps a copy.
const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.res.status !== 101) c.res.headers.set("cache-control", "no-store");
});
const pageChain = every(limitBody, csrf(), strictCsp, noStore);

/** For page paths: the body limit, form POSTs only from this origin (hono's csrf), the CSP, no-store. */
export const pageMiddleware = createMiddleware<AppEnv>((c, next) =>
  isPage(c.req.path) ? pageChain(c, next) : next(),
);

const ERROR_TITLES: Record<number, string> = {
  400: "That did not work",
  403: "Not for this account",
  404: "Page not found",
  405: "This page cannot be opened that way",
  409: "That cannot be done now",
  413: "That was too large",
  429: "Too many tries",
};

/** What went wrong, said to a person rather than to an API client. */
function errorText(error: HttpError, path: string, who: Principal | null): string {
  if (error.status === 404 && error.message.startsWith("There is no route")) {
    return `There is no page at ${path}. The link may be old, or mistyped.`;
  }
  // A role that does not open the page (an admin's 403 is something else: a stale form).
  if (error.status === 403 && who?.kind === "user" && who.role !== "admin") {
    return `You are signed in as ${who.username}${who.role ? ` (${who.role})` : ""}; this page is for ${path.startsWith("/admin") ? "admins" : "other accounts"}. An admin can grant the role.`;
  }
  if (error.status === 400 && error.errors.length > 0) {
    return "Something in the address or the form was not right:";
  }
  if (error.status >= 500) {
    return "Something went wrong on our side. Try again in a moment; if it persists, tell the operator the request id below.";
  }
  return error.message;
}

/**
 * An error on a page is a page: sign-in for a 401; otherwise what happened in words, with the
 * navigation of whoever is signed in (their session is looked up here when the route never did).
 */
export async function renderPageError(error: HttpError, c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  if (error.status === 401) {
    return new Response(null, {
      status: 303,
      headers: { location: `/login?next=${encodeURIComponent(url.pathname + url.search)}` },
    });
  }
  const session = await signedInPerson(c);
  const who = session?.principal ?? null;
  const html = (
    <Layout
      title={
        ERROR_TITLES[error.status] ??
        (error.status >= 500 ? "Something went wrong" : `Error ${error.status}`)
      }
      page={
        session ? { principal: session.principal, csrfToken: session.csrfToken, flash: null } : null
      }
    >
      <div class="error" role="alert">
        <p>{errorText(error, url.pathname, who)}</p>
        {error.errors.length > 0 && (
          <ul>
            {error.errors.map((e) => (
              <li>
                {e.path ? `${e.path}: ` : ""}
                {e.message}
              </li>
            ))}
          </ul>
        )}
        {error.status >= 500 && <p class="muted">Request id: {c.get("requestId")}</p>}
      </div>
      <p>
        {who?.kind === "user" && who.role === "admin" ? (
          <>
            <a href="/admin">Admin home</a> · <a href="/dashboard">Dashboard</a>
          </>
        ) : who ? (
          <a href="/dashboard">Dashboard</a>
        ) : (
          <a href="/login">Sign in</a>
        )}
        {who && (
          <>
            {" "}
            · <a href="/login">Sign in as someone else</a>
          </>
        )}
      </p>
    </Layout>
  );
  return new Response(`<!doctype html>${html}`, {
    status: error.status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      ...error.headers,
    },
  });
}

/** The page's signed-in person: from the route's guard, else looked up; null if none. */
async function signedInPerson(c: Context<AppEnv>) {
  const ctx = c.var.ctx;
  if (!ctx) return null;
  if (ctx.principal.kind === "user") {
    return { principal: ctx.principal, csrfToken: c.var.csrfToken ?? "" };
  }
  try {
    return await authenticateSession(c);
  } catch {
    return null;
  }
}

/** The web pages: the owners' dashboard and the operators' admin, server-rendered. */
export const webModule: ModuleManifest = {
  name: "web",
  routes: [
    ...sessionPages,
    ...exportPages,
    ...terminalPages,
    ...receiptPages,
    ...dashboardPages,
    ...adminHomePages,
    ...archivePages,
    ...fxRatePages,
    ...companyPages,
    companyPage,
    ...jobPages,
    ...orderPages,
    ...robotPages,
    ...outboxPages,
    ...apiKeyPages,
    ...userPages,
    ...catalogPages,
  ],
  tables: {},
};
