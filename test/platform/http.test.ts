import { describe, expect, it } from "vitest";
import { admin, call } from "../support/http";

function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.json).toMatchObject({
    status,
    type: expect.stringMatching(/^urn:retail-edge:problem:/),
  });
  expect(typeof res.json.title).toBe("string");
  expect(typeof res.json.detail).toBe("string");
  expect(Array.isArray(res.json.errors)).toBe(true);
}

describe("platform", () => {
  it("serves /health", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "ok" });
  });

  it("serves an OpenAPI 3.1 document built from the routes", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe("3.1.0");
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/admin/api-keys",
        "/api/v1/admin/api-keys/{id}",
        "/api/v1/admin/outbox",
        "/api/v1/admin/outbox/{id}",
        "/api/v1/admin/jobs/{name}/run",
        "/api/v1/admin/jobs/{id}",
      ]),
    );
    expect(res.json.components.schemas.Problem).toBeDefined();
  });

  it("serves Swagger UI at /docs", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.text).toContain("swagger");
    expect(res.text).toContain("/openapi.json");
  });

  it("gives every response an x-request-id, errors included, and keeps a client's id", async () => {
    const ok = await call("/health");
    expect(ok.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await call("/nowhere");
    expect(missing.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.json.request_id).toBe(missing.headers.get("x-request-id"));
    const echoed = await call("/health", { headers: { "x-request-id": "terminal-42-abc" } });
    expect(echoed.headers.get("x-request-id")).toBe("terminal-42-abc");
  });

  it("sets the secure headers", async () => {
    const res = await call("/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("answers an unknown route with a 404 problem", async () => {
    expectProblem(await call("/api/v1/nothing-here"), 404);
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const res = await call("/api/v1/auth/login", { method: "GET" });
    expectProblem(res, 405);
    expect(res.headers.get("allow")).toBe("POST");
    const put = await admin("/api/v1/admin/api-keys/1", { method: "PUT", body: {} });
    expectProblem(put, 405);
    expect(put.headers.get("allow")).toBe("DELETE");
  });

  it("treats a trailing slash as the same route", async () => {
    const res = await admin("/api/v1/admin/outbox/");
    expect(res.status).toBe(200);
  });

  it("rejects malformed JSON with 400", async () => {
    const res = await call("/api/v1/auth/login", { body: '{"username": "a", ' });
    expectProblem(res, 400);
    expect(res.json.detail).toMatch(/json/i);
  });

  it("rejects a body that is not JSON with 415", async () => {
    const res = await call("/api/v1/auth/login", {
      body: "username=a&password=b",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectProblem(res, 415);
  });

  it("rejects a body over 1 MiB with 413", async () => {
    const res = await call("/api/v1/auth/login", {
      body: { username: "a", password: "x".repeat(1024 * 1024) },
    });
    expectProblem(res, 413);
  });

  it("lists every failing field with its path", async () => {
    const res = await call("/api/v1/auth/register", {
      body: { username: "a", email: "not-an-email", password: "short", company_id: -1 },
    });
    expectProblem(res, 400);
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["company_id", "email", "password", "username"]);
    for (const error of res.json.errors) expect(error.message.length).toBeGreaterThan(0);
  });

  it("reports nested paths in the orders[3].items[0].price form", async () => {
    const res = await admin("/api/v1/admin/api-keys", {
      body: { name: "", scopes: ["sales:write", "nope"] },
    });
    expectProblem(res, 400);
    const paths = res.json.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "scopes[1]"]));
  });

  it("rejects bad query parameters with 400", async () => {
    const res = await admin("/api/v1/admin/outbox?limit=0");
    expectProblem(res, 400);
    expect(res.json.errors[0].path).toBe("limit");
    const tooMany = await admin("/api/v1/admin/outbox?limit=1001");
    expectProblem(tooMany, 400);
    const cursor = await admin("/api/v1/admin/outbox?cursor=garbage");
    expectProblem(cursor, 400);
    expect(cursor.json.errors[0].path).toBe("cursor");
  });
});
