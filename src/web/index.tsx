import { every } from "hono/combine";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import type { HttpError } from "../lib/errors";
import { guards } from "../platform/http/guards";
import { limitBody } from "../platform/http/middleware";
import type { ModuleManifest } from "../platform/module";
import { accessPages } from "./admin/access";
import { catalogPages } from "./admin/catalog";
import { companyPages } from "./admin/companies";
import { jobPages } from "./admin/jobs";
import { orderPages } from "./admin/orders";
import { outboxPages } from "./admin/outbox";
import { robotPages } from "./admin/robots";
import { terminalPages } from "./admin/terminals";
import { dashboardPages } from "./dashboard";
import { exportPages } from "./dashboard-export";
import { Layout } from "./layout";
import { page, pageContext } from "./page";
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

/** An error on a page is a page: sign-in for a 401, otherwise the status and its reason. */
export function renderPageError(error: HttpError, path: string, search: string): Response {
  if (error.status === 401) {
    return new Response(null, {
      status: 303,
      headers: { location: `/login?next=${encodeURIComponent(path + search)}` },
    });
  }
  const title = error.status === 403 ? "Not for this account" : `Error ${error.status}`;
  const html = (
    <Layout title={title} page={null}>
      <p class="error" role="alert">
        {error.message}
      </p>
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/dashboard">Dashboard</a> · <a href="/login">Sign in as someone else</a>
      </p>
    </Layout>
  );
  return new Response(`<!doctype html>${html}`, {
    status: error.status,
    headers: { "content-type": "text/html; charset=utf-8", ...error.headers },
  });
}

const adminHome = page({ method: "get", path: "/admin", name: "admin", guard: guards.admin }, (c) =>
  c.html(
    <Layout title="Admin" page={pageContext(c)} current="/admin">
      <ul>
        <li>
          <a href="/admin/companies">Companies</a>: filters, debts, the clear-debt action
        </li>
        <li>
          <a href="/admin/orders">Orders</a>: by seller, by number, with their items
        </li>
        <li>
          <a href="/admin/robots">Robots</a>: models, production, the waiting list, the weekly
          workbook
        </li>
        <li>
          <a href="/admin/outbox">Outbox</a>: every e-mail with its attachments
        </li>
        <li>
          <a href="/admin/api-keys">API keys</a> and <a href="/admin/users">users' roles</a>
        </li>
        <li>
          <a href="/admin/catalog">Catalog</a>: products and shops
        </li>
      </ul>
    </Layout>,
  ),
);

/** The web pages: the owners' dashboard and the operators' admin, server-rendered. */
export const webModule: ModuleManifest = {
  name: "web",
  routes: [
    ...sessionPages,
    ...exportPages,
    ...terminalPages,
    ...dashboardPages,
    adminHome,
    ...companyPages,
    ...jobPages,
    ...orderPages,
    ...robotPages,
    ...outboxPages,
    ...accessPages,
    ...catalogPages,
  ],
  tables: {},
};
