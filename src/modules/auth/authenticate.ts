import type { Context } from "hono";
import type { AppEnv, Principal } from "../../env";
import { safeEqual } from "../../lib/crypto";
import { verifyToken } from "../../lib/jwt";
import { type Authenticator, unauthorized } from "../../platform/http/guards";
import { KEY_PREFIX, resolveApiKey } from "./api-keys";
import { userPrincipal } from "./users";

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * `Authorization: Bearer …` → the operator (ADMIN_TOKEN, constant-time compare), an API key
 * (`re_…`, cached per isolate) or a user's access JWT (its user must exist; cached likewise).
 */
export const authenticateBearer: Authenticator = async (c: Context<AppEnv>) => {
  const match = c.req.header("authorization")?.match(BEARER);
  if (!match?.[1]) throw unauthorized("Send credentials as `Authorization: Bearer <token>`.");
  const token = match[1];
  const { config, db } = c.var.ctx;
  let principal: Principal | null = null;
  if (safeEqual(token, config.ADMIN_TOKEN)) {
    principal = { kind: "admin" };
  } else if (token.startsWith(KEY_PREFIX)) {
    principal = await resolveApiKey(db, token, Date.now());
  } else {
    const userId = await verifyToken(config.jwtKey, token, "access");
    if (userId !== null) principal = await userPrincipal(db, userId, Date.now());
  }
  if (!principal) throw unauthorized("The credentials are invalid, expired or revoked.");
  return principal;
};
