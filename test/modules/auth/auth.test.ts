import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN_TOKEN, admin, call, registerAndLogin, unique } from "../../support/http";
import { createShop } from "../../support/sales";

const JWT_SECRET = new TextEncoder().encode("test-jwt-secret-0123456789-0123456789");

describe("registration", () => {
  it("creates a user and answers 201 with its public fields", async () => {
    const username = unique("anna_");
    const res = await call("/api/v1/auth/register", {
      body: { username, email: `${username}@Example.COM`, password: "long enough pass" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(Number),
      username,
      email: `${username}@example.com`,
      registered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      company_id: null,
    });
    expect(res.json).not.toHaveProperty("password");
    const row = await env.DB.prepare("select password_hash from users where id = ?")
      .bind(res.json.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
  });

  it("refuses a taken username or e-mail (any case) with 409 and stores nothing", async () => {
    const { user } = await registerAndLogin();
    const before = await env.DB.prepare("select count(*) as n from users").first<{ n: number }>();
    const sameName = await call("/api/v1/auth/register", {
      body: {
        username: user.username,
        email: `${unique("x")}@example.com`,
        password: "long enough pass",
      },
    });
    expect(sameName.status).toBe(409);
    const sameEmail = await call("/api/v1/auth/register", {
      body: {
        username: unique("y"),
        email: user.email.toUpperCase(),
        password: "long enough pass",
      },
    });
    expect(sameEmail.status).toBe(409);
    const after = await env.DB.prepare("select count(*) as n from users").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe("login and refresh", () => {
  it("issues an access and a refresh token for the right password", async () => {
    const { access, refresh } = await registerAndLogin();
    expect(access.split(".")).toHaveLength(3);
    expect(refresh.split(".")).toHaveLength(3);
  });

  it("answers a wrong password and an unknown user alike with 401", async () => {
    const { user } = await registerAndLogin();
    const wrong = await call("/api/v1/auth/login", {
      body: { username: user.username, password: "nope nope" },
    });
    const unknown = await call("/api/v1/auth/login", {
      body: { username: unique("ghost"), password: "nope nope" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.detail).toBe(unknown.json.detail);
  });

  it("exchanges a refresh token for a new pair, and refuses an access token there", async () => {
    const { access, refresh } = await registerAndLogin();
    const res = await call("/api/v1/auth/refresh", { body: { refresh } });
    expect(res.status).toBe(200);
    expect(res.json.token_type).toBe("Bearer");
    const wrongType = await call("/api/v1/auth/refresh", { body: { refresh: access } });
    expect(wrongType.status).toBe(401);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After past 20 sign-in attempts a minute from one address", async () => {
    const from = { "cf-connecting-ip": "203.0.113.9" };
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    // 42 attempts: at most 40 fit even if a 60 s window turns over among them.
    for (let i = 0; i < 42; i++) {
      const res = await call("/api/v1/auth/login", {
        body: { username: "nobody", password: "x" },
        headers: from,
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(limited?.headers.get("retry-after")).toBe("60");
    expect(limited?.headers.get("content-type")).toBe("application/problem+json");
    const other = await call("/api/v1/auth/login", { body: { username: "nobody", password: "x" } });
    expect(other.status).toBe(401);
  });
});

describe("JWT verification", () => {
  // A signed-in-only route exists from the foundation on: the admin area refuses users with 403,
  // so 403 (not 401) proves the token itself was accepted.
  const probe = (token: string) => call("/api/v1/admin/outbox", { token });

  it("accepts a valid access token (as a user, who is not the operator)", async () => {
    const { access } = await registerAndLogin();
    expect((await probe(access)).status).toBe(403);
  });

  it("rejects alg none", async () => {
    const { user } = await registerAndLogin();
    const token = new UnsecuredJWT({ typ: "access", company_id: null })
      .setSubject(String(user.id))
      .setIssuer("retail-edge")
      .setExpirationTime("15m")
      .encode();
    expect((await probe(token)).status).toBe(401);
  });

  it("rejects a bad signature", async () => {
    const { access } = await registerAndLogin();
    const [header, payload] = access.split(".");
    const forged = await new SignJWT(JSON.parse(atob(payload ?? "")))
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("another-secret-another-secret-xx"));
    expect((await probe(forged)).status).toBe(401);
    expect((await probe(`${header}.${payload}.AAAA`)).status).toBe(401);
  });

  it("rejects an expired token", async () => {
    const { user } = await registerAndLogin();
    const expired = await new SignJWT({ typ: "access", company_id: null })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(user.id))
      .setIssuer("retail-edge")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(JWT_SECRET);
    const res = await probe(expired);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("rejects a refresh token used as an access token", async () => {
    const { refresh } = await registerAndLogin();
    expect((await probe(refresh)).status).toBe(401);
  });
});

describe("admin token and API keys", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("requires credentials for the admin area", async () => {
    expect((await call("/api/v1/admin/api-keys")).status).toBe(401);
    expect((await call("/api/v1/admin/api-keys", { token: "wrong-token" })).status).toBe(401);
    expect(
      (await call("/api/v1/admin/api-keys", { headers: { authorization: "Basic abc" } })).status,
    ).toBe(401);
    expect((await call("/api/v1/admin/api-keys", { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it("refuses a binding that means nothing: an unknown shop, a shop or seller its scopes do not use", async () => {
    const shop = await createShop();
    const before = await admin("/api/v1/admin/api-keys?limit=1000");
    for (const [body, path] of [
      [{ scopes: ["sales:write"], shop_id: 999_999 }, "shop_id"],
      [{ scopes: ["reports:read"], shop_id: shop.id }, "shop_id"],
      [{ scopes: ["reports:read"], seller: "someone" }, "seller"],
    ] as const) {
      const res = await admin("/api/v1/admin/api-keys", { body: { name: "bad", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.errors[0].path).toBe(path);
    }
    const after = await admin("/api/v1/admin/api-keys?limit=1000");
    expect(after.json.items.length).toBe(before.json.items.length);
  });

  it("creates a key shown once, stores only its hash, lists it and revokes it", async () => {
    const shop = await createShop();
    const created = await admin("/api/v1/admin/api-keys", {
      body: { name: "till 7", scopes: ["sales:write"], shop_id: shop.id },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: "till 7",
      scopes: ["sales:write"],
      shop_id: shop.id,
      seller: null,
    });
    const key: string = created.json.key;
    expect(key).toMatch(/^re_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(created.json.prefix)).toBe(true);

    const stored = await env.DB.prepare("select * from api_keys where id = ?")
      .bind(created.json.id)
      .first();
    expect(JSON.stringify(stored)).not.toContain(key);

    const listed = await admin("/api/v1/admin/api-keys?limit=1000");
    const entry = listed.json.items.find((k: { id: number }) => k.id === created.json.id);
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty("key");

    // An API key is a machine credential: the admin area stays closed to it.
    expect((await call("/api/v1/admin/api-keys", { token: key })).status).toBe(403);

    expect(
      (await admin(`/api/v1/admin/api-keys/${created.json.id}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await call("/api/v1/admin/api-keys", { token: key })).status).toBe(401);
    expect(
      (await admin(`/api/v1/admin/api-keys/${created.json.id}`, { method: "DELETE" })).status,
    ).toBe(404);
  });

  it("binds sales:write keys to a shop and orders:write keys to a seller", async () => {
    const res = await admin("/api/v1/admin/api-keys", {
      body: { name: "unbound", scopes: ["sales:write", "orders:write"] },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "seller",
      "shop_id",
    ]);
  });

  it("checks a key without a D1 read per request, and a revocation elsewhere lands within 60 s", async () => {
    const created = await admin("/api/v1/admin/api-keys", {
      body: { name: "report bot", scopes: ["reports:read"] },
    });
    const key: string = created.json.key;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now());
    expect((await call("/api/v1/admin/outbox", { token: key })).status).toBe(403);
    // Another isolate revokes it: this isolate's cache does not know yet.
    await env.DB.prepare("update api_keys set revoked_at = ? where id = ?")
      .bind(Date.now(), created.json.id)
      .run();
    expect((await call("/api/v1/admin/outbox", { token: key })).status).toBe(403);
    vi.setSystemTime(Date.now() + 61_000);
    expect((await call("/api/v1/admin/outbox", { token: key })).status).toBe(401);
  });

  it("pages through keys so that every row comes exactly once", async () => {
    for (let i = 0; i < 7; i++) {
      await admin("/api/v1/admin/api-keys", {
        body: { name: `page ${i}`, scopes: ["reports:read"] },
      });
    }
    const all = await admin("/api/v1/admin/api-keys?limit=1000");
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof admin>> = await admin(
        `/api/v1/admin/api-keys?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.json.items.map((k: { id: number }) => k.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.json.items.map((k: { id: number }) => k.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(7);
  });
});
