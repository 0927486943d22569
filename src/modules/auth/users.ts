import { and, eq, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { rowsAfter } from "../../db/pages";
import type { Principal, Role } from "../../env";
import { conflict, DomainError, invalidField, notFound } from "../../lib/errors";
import { ACCESS_TTL_SECONDS, signToken, verifyToken } from "../../lib/jwt";
import { hashPassword, verifyPassword } from "../../lib/passwords";
import { startsWithAnyCase } from "../../lib/sql";
import type { ServiceContext } from "../../platform/context";
import { enqueueMail } from "../../platform/mail/producer";
import { TtlCache } from "./cache";
import { welcomeMail } from "./mail";
import { type User, users } from "./schema";

export type UserPrincipal = Extract<Principal, { kind: "user" }>;

// A token names a user; who they are now (company, role) comes from their row, cached per
// isolate like API keys. A role change lands at once here and within a minute elsewhere.
const USER_CACHE_TTL_MS = 60_000;
const userCache = new TtlCache<number, UserPrincipal | null>(USER_CACHE_TTL_MS);

export function toPrincipal(user: User): UserPrincipal {
  return {
    kind: "user",
    userId: user.id,
    username: user.username,
    email: user.email,
    companyId: user.companyId,
    role: user.role,
    shopIds: user.role === "manager" ? (user.shopIds ?? []) : null,
  };
}

export async function findUser(db: Db, id: number): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

export function userPrincipal(db: Db, userId: number, nowMs: number) {
  return userCache.get(userId, nowMs, async () => {
    const user = await findUser(db, userId);
    return user ? toPrincipal(user) : null;
  });
}

const taken = () => conflict("That username or e-mail is already registered.");

export async function registerUser(
  ctx: ServiceContext,
  input: { username: string; email: string; password: string; companyId: number | null },
): Promise<User> {
  if (input.companyId !== null && !(await ctx.links.exists(ctx, "company", input.companyId))) {
    throw invalidField("company_id", `unknown company ${input.companyId}`);
  }
  const existing = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.username, input.username), eq(users.email, input.email)))
    .limit(1);
  if (existing.length > 0) throw taken();

  let user: User | undefined;
  try {
    [user] = await ctx.db
      .insert(users)
      .values({
        username: input.username,
        email: input.email,
        passwordHash: await hashPassword(input.password),
        companyId: input.companyId,
        registeredAt: ctx.clock(),
      })
      .returning();
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(); // lost a race with the same name
    throw error;
  }
  if (!user) throw new Error("user row was not created");
  await enqueueMail(ctx.queues.mail, welcomeMail, user.email, { username: user.username });
  return user;
}

async function issuePair(key: Uint8Array, user: User) {
  return {
    access: await signToken(key, { userId: user.id, typ: "access" }),
    refresh: await signToken(key, { userId: user.id, typ: "refresh" }),
    token_type: "Bearer" as const,
    expires_in: ACCESS_TTL_SECONDS,
  };
}

/** The user for a username and password, or null; as slow for an unknown name as for a known. */
export async function checkPassword(db: Db, username: string, password: string) {
  const [user] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  // verifyPassword runs even for an unknown user, so timing does not reveal which names exist.
  const ok = await verifyPassword(password, user?.passwordHash);
  return user && ok ? user : null;
}

export async function login(ctx: ServiceContext, username: string, password: string) {
  const user = await checkPassword(ctx.db, username, password);
  return user ? issuePair(ctx.config.jwtKey, user) : null;
}

export async function refresh(ctx: ServiceContext, token: string) {
  const userId = await verifyToken(ctx.config.jwtKey, token, "refresh");
  const user = userId === null ? undefined : await findUser(ctx.db, userId);
  return user ? issuePair(ctx.config.jwtKey, user) : null;
}

/** A page of users; `search`: the username or e-mail starts with it, in any case. */
export const listUsers = (db: Db, afterId: number, limit: number, search?: string) =>
  rowsAfter(
    db,
    users,
    afterId,
    limit,
    search
      ? or(startsWithAnyCase(users.username, search), startsWithAnyCase(users.email, search))
      : undefined,
  );

/** Where mail for the operators goes: every user with the admin role. */
export async function adminEmails(db: Db): Promise<string[]> {
  const rows = await db.select({ email: users.email }).from(users).where(eq(users.role, "admin"));
  return rows.map((r) => r.email);
}

/**
 * Grants or takes away a web role. The last admin keeps theirs (409): without one, nobody could
 * sign in to the admin or grant the role again.
 */
export async function setRole(
  ctx: ServiceContext,
  id: number,
  role: Role | null,
  shopIds: number[] | null = null,
): Promise<User> {
  if (role === "manager") await assertShops(ctx, shopIds ?? []);
  // One statement: the check and the change cannot interleave with another admin's change.
  const [user] = await ctx.db
    .update(users)
    .set({ role, shopIds: role === "manager" ? (shopIds ?? []) : null })
    .where(
      and(
        eq(users.id, id),
        role === "admin"
          ? undefined
          : sql`NOT (coalesce(${users.role}, '') = 'admin' AND (SELECT count(*) FROM ${users} WHERE ${users.role} = 'admin') = 1)`,
      ),
    )
    .returning();
  if (!user) {
    if (await findUser(ctx.db, id)) {
      throw conflict("This is the only admin: grant another user admin before taking it away.", [
        { path: "role", message: "the last admin keeps the admin role" },
      ]);
    }
    throw notFound(`There is no user ${id}.`);
  }
  userCache.delete(id);
  return user;
}

/** Every shop named must exist (`shop_ids[i]` names the one that does not). */
export async function assertShops(ctx: ServiceContext, shopIds: readonly number[]) {
  const known = await Promise.all(shopIds.map((s) => ctx.links.exists(ctx, "shop", s)));
  const errors = shopIds.flatMap((s, i) =>
    known[i] ? [] : [{ path: `shop_ids[${i}]`, message: `unknown shop ${s}` }],
  );
  if (errors.length > 0)
    throw new DomainError("invalid", errors.map((e) => e.message).join("; "), errors);
}

/** The users who work for a company (for its page in the web admin). */
export function employeesOf(db: Db, companyId: number) {
  return db
    .select({ id: users.id, username: users.username, email: users.email })
    .from(users)
    .where(eq(users.companyId, companyId))
    .orderBy(users.id)
    .limit(1000);
}

/** For a company's deletion batch: its employees keep their accounts but lose its data. */
export function detachEmployees(db: Db, companyId: number) {
  return db.update(users).set({ companyId: null }).where(eq(users.companyId, companyId));
}
