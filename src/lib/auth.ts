import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal, Scope } from "../env";
import { KEY_PREFIX, resolveApiKey } from "../modules/auth/api-keys";
import { safeEqual } from "./crypto";
import { ApiError } from "./errors";
import { verifyToken } from "./jwt";

const CHALLENGE = { "www-authenticate": 'Bearer realm="retail-edge"' };

function unauthorized(detail: string): ApiError {
  return new ApiError("unauthorized", detail, { headers: CHALLENGE });
}

/** Resolves the bearer credential to a principal: the admin token, an API key or a user's JWT. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw unauthorized("Send credentials as `Authorization: Bearer <token>`.");
  const token = match[1];
  const config = c.var.config;

  let principal: Principal | null = null;
  if (safeEqual(token, config.ADMIN_TOKEN)) {
    principal = { kind: "admin" };
  } else if (token.startsWith(KEY_PREFIX)) {
    principal = await resolveApiKey(c.var.db, token, Date.now());
  } else {
    const claims = await verifyToken(config.jwtKey, token, "access");
    if (claims) {
      principal = { kind: "user", userId: Number(claims.sub), companyId: claims.company_id };
    }
  }
  if (!principal) throw unauthorized("The credentials are invalid, expired or revoked.");
  c.set("principal", principal);
  await next();
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.principal.kind !== "admin") {
    throw new ApiError("forbidden", "This endpoint is for the operator (admin token) only.");
  }
  await next();
});

/** The admin, or an API key holding `scope`. Ownership (shop, seller) is checked by the route. */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const p = c.var.principal;
    if (p.kind === "admin" || (p.kind === "api_key" && p.scopes.includes(scope))) {
      await next();
      return;
    }
    throw new ApiError(
      "forbidden",
      `This endpoint needs the admin token or an API key with scope ${scope}.`,
    );
  });
}

/** Any signed-in person (a user's access JWT). */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.principal.kind !== "user") {
    throw new ApiError("forbidden", "This endpoint needs a signed-in user's access token.");
  }
  await next();
});
