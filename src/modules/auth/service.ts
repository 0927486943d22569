import { eq, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { ApiError } from "../../lib/errors";
import { ACCESS_TTL_SECONDS, signToken, verifyToken } from "../../lib/jwt";
import { hashPassword, verifyPassword } from "../../lib/passwords";
import { enqueueMail } from "../../platform/mail/producer";
import { users } from "./schema";

export type User = typeof users.$inferSelect;

export function serializeUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    registered_at: user.registeredAt.toISOString(),
    company_id: user.companyId,
  };
}

const taken = () => new ApiError("conflict", "That username or e-mail is already registered.");

export async function registerUser(
  deps: { db: Db; mailQueue: Queue; now: Date },
  input: { username: string; email: string; password: string; companyId: number | null },
): Promise<User> {
  const existing = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.username, input.username), eq(users.email, input.email)))
    .limit(1);
  if (existing.length > 0) throw taken();

  let user: User | undefined;
  try {
    [user] = await deps.db
      .insert(users)
      .values({
        username: input.username,
        email: input.email,
        passwordHash: await hashPassword(input.password),
        companyId: input.companyId,
        registeredAt: deps.now,
      })
      .returning();
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(); // lost a race with the same name
    throw error;
  }
  if (!user) throw new Error("user row was not created");
  await enqueueMail(deps.mailQueue, "welcome", user.email, { username: user.username });
  return user;
}

async function issuePair(key: Uint8Array, user: User) {
  const claims = { sub: String(user.id), company_id: user.companyId };
  return {
    access: await signToken(key, { ...claims, typ: "access" }),
    refresh: await signToken(key, { ...claims, typ: "refresh" }),
    token_type: "Bearer" as const,
    expires_in: ACCESS_TTL_SECONDS,
  };
}

const badLogin = () =>
  new ApiError("unauthorized", "Unknown username or wrong password.", {
    headers: { "www-authenticate": 'Bearer realm="retail-edge"' },
  });

export async function login(db: Db, key: Uint8Array, username: string, password: string) {
  const [user] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  // verifyPassword runs even for an unknown user, so timing does not reveal which names exist.
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) throw badLogin();
  return issuePair(key, user);
}

export async function refresh(db: Db, key: Uint8Array, token: string) {
  const claims = await verifyToken(key, token, "refresh");
  const userId = claims ? Number(claims.sub) : Number.NaN;
  const [user] = Number.isInteger(userId)
    ? await db.select().from(users).where(eq(users.id, userId)).limit(1)
    : [];
  if (!user) {
    throw new ApiError("unauthorized", "The refresh token is invalid or expired.", {
      headers: { "www-authenticate": 'Bearer realm="retail-edge"' },
    });
  }
  return issuePair(key, user);
}

export async function findUser(db: Db, id: number): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

/** For a company's deletion batch: its employees keep their accounts but lose its data. */
export function detachEmployees(db: Db, companyId: number) {
  return db.update(users).set({ companyId: null }).where(eq(users.companyId, companyId));
}
