import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { admin, bodyText, call, registerAndLogin } from "../support/http";
import { createProduct, createShop, sale } from "../support/sales";

const KEY = new TextEncoder().encode("test-jwt-secret-0123456789-0123456789");
const now = () => Math.floor(Date.now() / 1000);

describe("path ids are canonical decimal integers", () => {
  it("answers 400 naming `id` for every other spelling, and changes nothing", async () => {
    const product = await createProduct(5, "Canonical");
    const id = product.id;
    const spellings = [
      `0x${id.toString(16)}`,
      `${id}.0`,
      `${id}e0`,
      `+${id}`,
      `0${id}`,
      `%20${id}`,
      `${id}%20`,
      "-1",
      "0",
      "9007199254740993",
      "1".repeat(40),
      "%F0%9F%98%80",
    ];
    for (const bad of spellings) {
      const patch = await admin(`/api/v1/admin/products/${bad}`, {
        method: "PATCH",
        body: { name: "Changed" },
      });
      expect(patch.status, bad).toBe(400);
      expect(patch.json.errors.map((e: { path: string }) => e.path)).toEqual(["id"]);
      expect((await admin(`/api/v1/admin/products/${bad}`, { method: "DELETE" })).status).toBe(400);
      expect((await call(`/api/v1/books/${bad}`)).status).toBe(400);
    }
    expect((await admin(`/api/v1/admin/products/${id}`)).json.name).toBe("Canonical");
  });
});

describe("access tokens carry every claim we check", () => {
  const probe = (token: string) => call("/api/v1/admin/outbox", { token });
  const base = (sub: string) =>
    new SignJWT({ typ: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuer("retail-edge");

  it("accepts a complete token (403 here: a user is not the operator)", async () => {
    const { user } = await registerAndLogin();
    const good = await base(String(user.id))
      .setAudience("retail-edge-api")
      .setIssuedAt(now())
      .setExpirationTime(now() + 60)
      .sign(KEY);
    expect((await probe(good)).status).toBe(403);
  });

  it("refuses no exp, no iat, a foreign or missing aud, and a sub that names nobody", async () => {
    const { user } = await registerAndLogin();
    const sub = String(user.id);
    const tokens = {
      noExp: await base(sub).setAudience("retail-edge-api").setIssuedAt(now()).sign(KEY),
      noIat: await base(sub)
        .setAudience("retail-edge-api")
        .setExpirationTime(now() + 60)
        .sign(KEY),
      foreignAud: await base(sub)
        .setAudience("another-service")
        .setIssuedAt(now())
        .setExpirationTime(now() + 60)
        .sign(KEY),
      noAud: await base(sub)
        .setIssuedAt(now())
        .setExpirationTime(now() + 60)
        .sign(KEY),
      unknownUser: await base("987654321")
        .setAudience("retail-edge-api")
        .setIssuedAt(now())
        .setExpirationTime(now() + 60)
        .sign(KEY),
      notANumber: await base("admin")
        .setAudience("retail-edge-api")
        .setIssuedAt(now())
        .setExpirationTime(now() + 60)
        .sign(KEY),
      algNone: new UnsecuredJWT({ typ: "access" })
        .setSubject(sub)
        .setIssuer("retail-edge")
        .setAudience("retail-edge-api")
        .setIssuedAt(now())
        .setExpirationTime(now() + 60)
        .encode(),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const res = await probe(token);
      expect(res.status, name).toBe(401);
      expect(res.headers.get("www-authenticate"), name).toMatch(/^Bearer/);
    }
  });

  it("takes the company from the user's row, never from a claim in the token", async () => {
    const { user } = await registerAndLogin();
    const claimsACompany = await new SignJWT({ typ: "access", company_id: 1 })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(user.id))
      .setIssuer("retail-edge")
      .setAudience("retail-edge-api")
      .setIssuedAt(now())
      .setExpirationTime(now() + 60)
      .sign(KEY);
    // Not an employee, whatever the token says: the employee API refuses it.
    expect((await call("/api/v1/companies/1", { token: claimsACompany })).status).toBe(403);
  });
});

describe("routing before credentials", () => {
  it("answers a wrong method on a protected path with 405 and Allow, without credentials", async () => {
    const res = await call("/api/v1/admin/api-keys/1", { method: "PUT", body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("DELETE");
    const sales = await call("/api/v1/sales", { method: "GET" });
    expect(sales.status).toBe(405);
    expect(sales.headers.get("allow")).toBe("POST");
  });
});

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function send(path: string, body: BodyInit, headers: Record<string, string>) {
  const { exports } = await import("cloudflare:workers");
  const res = await exports.default.fetch(`https://retail-edge.test${path}`, {
    method: "POST",
    headers: {
      authorization: "Bearer test-admin-token-0123456789",
      "content-type": "application/json",
      ...headers,
    },
    body,
  });
  const text = await bodyText(res);
  return { status: res.status, type: res.headers.get("content-type"), text };
}

describe("compressed bodies", () => {
  it("accepts gzip on the batch and the order upload", async () => {
    const [product, shop] = await Promise.all([createProduct(2), createShop()]);
    const batch = JSON.stringify({ sales: [sale(product.id, shop.id), sale(product.id, shop.id)] });
    const res = await send("/api/v1/sales/batch", await gzip(batch), {
      "content-encoding": "gzip",
    });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.text)).toMatchObject({ accepted: 2, duplicates: 0 });
    const upload = JSON.stringify({
      user: `gz_${crypto.randomUUID().slice(0, 8)}`,
      orders: [
        {
          order_number: `GZ-${crypto.randomUUID()}`,
          created_at: "2026-11-20T10:00:00Z",
          total_amount: 10,
          status: "new",
          items: [{ sku: "A", name: "A", quantity: 1, price: 10 }],
        },
      ],
    });
    const up = await send("/api/orders/upload", await gzip(upload), { "content-encoding": "gzip" });
    expect(up.status).toBe(200);
  });

  it("counts the limit on the decompressed bytes: a gzip bomb is a 413", async () => {
    const before = await env.DB.prepare("select count(*) as n from orders").first<{ n: number }>();
    const bomb = await gzip(`{"user":"x","orders":[],"pad":"${"0".repeat(30 * 1024 * 1024)}"}`);
    expect(bomb.byteLength).toBeLessThan(100 * 1024);
    const res = await send("/api/orders/upload", bomb, { "content-encoding": "gzip" });
    expect(res.status).toBe(413);
    expect(res.type).toBe("application/problem+json");
    const after = await env.DB.prepare("select count(*) as n from orders").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("refuses other encodings with 415 and broken gzip with 400", async () => {
    const br = await send("/api/v1/sales/batch", "{}", { "content-encoding": "br" });
    expect(br.status).toBe(415);
    const broken = await send("/api/v1/sales/batch", "not gzip at all", {
      "content-encoding": "gzip",
    });
    expect(broken.status).toBe(400);
  });
});

describe("CORS", () => {
  const origin = "https://pos.example.com";

  it("answers a preflight from an allowed origin without credentials", async () => {
    const res = await call("/api/v1/sales", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, idempotency-key",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "authorization",
    );
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("names the allowed origin on answers, never *, and nothing for other origins", async () => {
    const ok = await call("/api/v1/products", { headers: { origin } });
    expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
    expect(ok.headers.get("vary")).toMatch(/origin/i);
    const other = await call("/api/v1/products", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await call("/api/v1/admin/outbox", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});
