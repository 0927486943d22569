import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { modules } from "../../src/modules";
import type { Guard } from "../../src/platform/http/guards";
import type { AppRoute } from "../../src/platform/http/route";
import { type Credential, credentialMatrix, type Who } from "../support/credentials";
import { BASE, call } from "../support/http";

// Served outside the manifests on purpose: the API description, generated from them.
const UNGUARDED = new Set(["GET /openapi.json"]);

const routes: AppRoute[] = modules.flatMap((m) => m.routes);
const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

type Outcome = "allowed" | 303 | 401 | 403;

/** What the route's declared guard promises for each kind of caller. */
function expected(route: AppRoute, who: Who): Outcome {
  const guard: Guard = route.spec.guard;
  if (guard.kind === "public") return "allowed";
  // Pages know callers by their session cookie only: a bearer token signs no one in.
  if (route.spec.credentials === "session") return 303;
  if (who === "nobody" || who === "invalid") return 401;
  const admin = who === "operator" || who === "admin-user";
  switch (guard.kind) {
    case "admin":
      return admin ? "allowed" : 403;
    case "user":
      return admin || ["user", "owner", "manager", "employee"].includes(who) ? "allowed" : 403;
    case "employee":
      return who === "employee" ? "allowed" : 403;
    case "scopes": {
      if (admin) return "allowed";
      if (who.startsWith("key:")) {
        return guard.scopes.some((s) => `key:${s}` === who) ? "allowed" : 403;
      }
      // Managers read reports too, of their shops only (test/modules/sales/managers.test.ts).
      return (who === "owner" || who === "manager") && guard.scopes.includes("reports:read")
        ? "allowed"
        : 403;
    }
  }
}

describe("every route the app registers is declared with a guard", () => {
  it("has no route outside the manifests", () => {
    const declared = new Set(
      routes.map((r) => `${r.spec.method.toUpperCase()} ${honoPath(r.spec.path)}`),
    );
    const registered = createApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path}`);
    const undeclared = registered.filter((r) => !declared.has(r) && !UNGUARDED.has(r));
    expect(undeclared).toEqual([]);
    for (const route of routes) expect(route.spec.guard, route.spec.path).toBeDefined();
  });

  it("documents each guard in OpenAPI: public routes need no security, the rest bearer", async () => {
    const doc = (await call("/openapi.json")).json;
    for (const { spec } of routes.filter((r) => !r.spec.hide)) {
      const operation = doc.paths[spec.path]?.[spec.method];
      expect(operation, `${spec.method} ${spec.path}`).toBeDefined();
      expect(operation.security).toEqual(spec.guard.kind === "public" ? [] : [{ bearer: [] }]);
    }
  });
});

describe("the credential matrix, on every route", () => {
  let matrix: Awaited<ReturnType<typeof credentialMatrix>>;
  beforeAll(async () => {
    matrix = await credentialMatrix();
  });

  /** A request that may pass the guard but changes nothing: unknown ids, an empty body. */
  function probe(route: AppRoute, credential: Credential) {
    const { spec } = route;
    const path = spec.path
      .replace("{id}", String(spec.guard.kind === "employee" ? matrix.otherCompany : 987654321))
      .replace("{name}", "no-such-job")
      .replace("{order_number}", "NO-SUCH-ORDER");
    const hasBody = Boolean(spec.request?.body);
    const page = spec.credentials === "session";
    const post = spec.method !== "get";
    return call(path, {
      method: spec.method.toUpperCase(),
      token: credential.token,
      ...(hasBody && { body: {} }),
      // A page's form comes from the page's own origin, as a browser sends it.
      ...(page &&
        post && {
          body: "",
          headers: { origin: BASE, "content-type": "application/x-www-form-urlencoded" },
        }),
    });
  }

  for (const route of routes) {
    const { spec } = route;
    it(`${spec.method.toUpperCase()} ${spec.path} (${spec.guard.kind})`, async () => {
      for (const credential of matrix.credentials) {
        const res = await probe(route, credential);
        const outcome = expected(route, credential.who);
        const label = `${credential.name} → ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, label).toBeLessThan(500);
        // A public route may still answer 401 for what it checks itself (a wrong password).
        if (outcome === "allowed")
          expect(spec.guard.kind === "public" ? [403] : [401, 403], label).not.toContain(
            res.status,
          );
        else if (outcome === 303) {
          expect(res.status, label).toBe(303);
          expect(res.headers.get("location"), label).toMatch(/^\/login\?next=/);
        } else {
          expect(res.status, label).toBe(outcome);
          expect(res.headers.get("content-type"), label).toBe("application/problem+json");
          if (outcome === 401)
            expect(res.headers.get("www-authenticate"), label).toMatch(/^Bearer/);
        }
      }
    });
  }

  it("answers an employee with 404 for another company's id", async () => {
    const employee = matrix.credentials.find((c) => c.who === "employee");
    const res = await call(`/api/v1/companies/${matrix.otherCompany}`, { token: employee?.token });
    expect(res.status).toBe(404);
    const own = await call(`/api/v1/companies/${matrix.ownCompany}`, { token: employee?.token });
    expect(own.status).toBe(200);
    expect(env.DB).toBeDefined();
  });
});
