import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, PageFlash, Principal, Scope } from "../../env";
import { safeEqual } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";

/**
 * Who may call a route, declared on the route itself:
 * - public: anyone, no credentials read;
 * - admin: the operator (ADMIN_TOKEN) or a user with the admin role;
 * - user: any signed-in person (a user's access token), or the operator;
 * - employee: a user who works for a company (the route still checks which one);
 * - scopes: the operator, an API key holding one of the scopes, or a user whose role grants
 *   it (owners read reports). Bindings of a key to a shop or seller are checked by the service.
 */
export type Guard =
  | { kind: "public" }
  | { kind: "admin" }
  | { kind: "user" }
  | { kind: "employee" }
  | { kind: "scopes"; scopes: readonly Scope[] };

export const guards = {
  public: { kind: "public" },
  admin: { kind: "admin" },
  user: { kind: "user" },
  employee: { kind: "employee" },
  scopes: (...scopes: Scope[]): Guard => ({ kind: "scopes", scopes }),
} as const satisfies Record<string, Guard | ((...s: Scope[]) => Guard)>;

/** Scopes a web role carries besides its own pages. */
const ROLE_SCOPES: Record<"admin" | "owner" | "manager", readonly Scope[]> = {
  admin: ["sales:write", "orders:write", "robots:write", "reports:read"],
  owner: ["reports:read"],
  // Reports of their shops only: the reports filter by `visibleShops` (lib/principal.ts).
  manager: ["reports:read"],
};

export function isAdmin(p: Principal): boolean {
  return p.kind === "admin" || (p.kind === "user" && p.role === "admin");
}

export function permits(guard: Guard, p: Principal): boolean {
  switch (guard.kind) {
    case "public":
      return true;
    case "admin":
      return isAdmin(p);
    case "user":
      return p.kind === "admin" || p.kind === "user";
    case "employee":
      return p.kind === "user" && p.companyId !== null;
    case "scopes":
      if (isAdmin(p)) return true;
      if (p.kind === "api_key") return guard.scopes.some((s) => p.scopes.includes(s));
      if (p.kind === "user" && p.role)
        return guard.scopes.some((s) => ROLE_SCOPES[p.role ?? "owner"].includes(s));
      return false;
  }
}

function refusal(guard: Guard): string {
  switch (guard.kind) {
    case "admin":
      return "This endpoint is for the operator (admin token or admin role) only.";
    case "user":
      return "This endpoint needs a signed-in user's access token.";
    case "employee":
      return "This endpoint is for employees: a user registered with a company_id.";
    case "scopes":
      return `This endpoint needs the admin token or an API key with scope ${guard.scopes.join(" or ")}.`;
    default:
      return "Not allowed.";
  }
}

/** Resolves a request's bearer credential to a principal, or throws 401. */
export type Authenticator = (c: Context<AppEnv>) => Promise<Principal>;

/** The signed-in person of a web page (session cookie) and the form token of the session. */
export type SessionAuthenticator = (c: Context<AppEnv>) => Promise<{
  principal: Principal;
  csrfToken: string;
  sessionId: string;
  flash: PageFlash | null;
} | null>;

export type Authenticators = { bearer: Authenticator; session: SessionAuthenticator };

/** API routes take bearer credentials; the web pages a session cookie. */
export type Credentials = "bearer" | "session";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const CHALLENGE = { "www-authenticate": 'Bearer realm="retail-edge"' };

export function unauthorized(detail: string): HttpError {
  return new HttpError("unauthorized", detail, { headers: CHALLENGE });
}

async function signedIn(c: Context<AppEnv>, auth: Authenticators): Promise<Principal> {
  const session = await auth.session(c);
  if (!session) throw new HttpError("unauthorized", "Sign in to see this page.");
  c.set("csrfToken", session.csrfToken);
  c.set("session", { id: session.sessionId, flash: session.flash });
  if (UNSAFE.has(c.req.method)) {
    // Every form a signed-in page posts carries the session's token.
    const form = await c.req.parseBody();
    const sent = typeof form._csrf === "string" ? form._csrf : "";
    if (!safeEqual(sent, session.csrfToken)) {
      throw new HttpError("forbidden", "The form is out of date or not ours; reload the page.");
    }
  }
  return session.principal;
}

/** The route's guard as middleware: runs after routing, so a wrong method is a 405 first. */
export function guardMiddleware(guard: Guard, credentials: Credentials, auth: Authenticators) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (guard.kind !== "public") {
      const principal = credentials === "session" ? await signedIn(c, auth) : await auth.bearer(c);
      if (!permits(guard, principal)) throw new HttpError("forbidden", refusal(guard));
      c.set("ctx", { ...c.var.ctx, principal });
    }
    await next();
  });
}
