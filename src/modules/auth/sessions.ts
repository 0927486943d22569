import { and, eq, gt, lt } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../env";
import { bytesToBase64Url, randomBytes, sha256Hex } from "../../lib/crypto";
import type { PageFlash } from "../../lib/flash";
import type { ServiceContext } from "../../platform/context";
import type { SessionAuthenticator } from "../../platform/http/guards";
import { sessions } from "./schema";
import { checkPassword, type UserPrincipal, userPrincipal } from "./users";

export const SESSION_COOKIE = "re_session";
// Short-lived, sliding: each page view in the second half of its life extends it.
export const SESSION_TTL_MS = 30 * 60_000;

/**
 * Secure everywhere but a local http:// run, where a browser would drop a Secure cookie. A
 * secure cookie is `__Host-`: the browser then refuses one set by a subdomain or for a path.
 */
function sessionCookie(c: Context<AppEnv>) {
  const { hostname, protocol } = new URL(c.req.url);
  const local = hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
  const secure = protocol === "https:" || !local;
  return { name: secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE, secure };
}

function cookieOptions(c: Context<AppEnv>, expires: Date) {
  return {
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: sessionCookie(c).secure,
    path: "/",
    expires,
  };
}

/** Signs a user in when the password is right and they hold a web role. */
export async function signIn(
  c: Context<AppEnv>,
  username: string,
  password: string,
): Promise<"ok" | "wrong" | "no-role"> {
  const ctx = c.var.ctx;
  const user = await checkPassword(ctx.db, username, password);
  if (!user) return "wrong";
  if (!user.role) return "no-role";
  const token = bytesToBase64Url(randomBytes(32));
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await ctx.db.batch([
    // Expired sessions go as new ones come: the table never grows past the live ones.
    ctx.db.delete(sessions).where(lt(sessions.expiresAt, now)),
    ctx.db.insert(sessions).values({
      idHash: await sha256Hex(token),
      userId: user.id,
      csrfToken: bytesToBase64Url(randomBytes(24)),
      createdAt: now,
      expiresAt,
    }),
  ]);
  setCookie(c, sessionCookie(c).name, token, cookieOptions(c, expiresAt));
  return "ok";
}

export async function signOut(c: Context<AppEnv>) {
  const { name, secure } = sessionCookie(c);
  const token = getCookie(c, name);
  if (token) {
    await c.var.ctx.db.delete(sessions).where(eq(sessions.idHash, await sha256Hex(token)));
  }
  deleteCookie(c, name, { path: "/", secure });
}

async function liveSession(ctx: ServiceContext, token: string) {
  const [row] = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.idHash, await sha256Hex(token)), gt(sessions.expiresAt, ctx.clock())));
  return row;
}

/** The signed-in person of a page request (renewing the session when it is half spent). */
export const authenticateSession: SessionAuthenticator = async (c) => {
  const token = getCookie(c, sessionCookie(c).name);
  if (!token) return null;
  const ctx = c.var.ctx;
  const session = await liveSession(ctx, token);
  if (!session) return null;
  const principal: UserPrincipal | null = await userPrincipal(ctx.db, session.userId, Date.now());
  if (!principal) return null;
  const now = ctx.clock().getTime();
  if (session.expiresAt.getTime() - now < SESSION_TTL_MS / 2) {
    const expiresAt = new Date(now + SESSION_TTL_MS);
    await ctx.db.update(sessions).set({ expiresAt }).where(eq(sessions.idHash, session.idHash));
    setCookie(c, sessionCookie(c).name, token, cookieOptions(c, expiresAt));
  }
  return {
    principal,
    csrfToken: session.csrfToken,
    sessionId: session.idHash,
    flash: session.flash ?? null,
  };
};

/** What the session's next page shows once (POST-redirect-GET: a reload shows it no more). */
export async function setFlash(ctx: ServiceContext, sessionId: string, flash: PageFlash) {
  await ctx.db.update(sessions).set({ flash }).where(eq(sessions.idHash, sessionId));
}

/** Called once a page has shown the flash it was given. */
export async function clearFlash(ctx: ServiceContext, sessionId: string) {
  await ctx.db.update(sessions).set({ flash: null }).where(eq(sessions.idHash, sessionId));
}
