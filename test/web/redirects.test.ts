import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sameOriginPath } from "../../src/web/page";
import { admin, BASE, call, registerAndLogin } from "../support/http";

const sessions = async () =>
  (await env.DB.prepare("select count(*) as n from sessions").first<{ n: number }>())?.n ?? 0;

describe("redirects never leave the site", () => {
  it("keep only paths of this origin, as a browser would resolve them", () => {
    const here = `${BASE}/login`;
    expect(sameOriginPath("/admin/companies?level=2", here)).toBe("/admin/companies?level=2");
    for (const bad of [
      "//evil.example/x",
      "/\\evil.example",
      "/\t/evil.example",
      "/admin/companies/../..//evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/ok\r\nSet-Cookie: x=1",
    ]) {
      expect(sameOriginPath(bad, here), JSON.stringify(bad)).toBeNull();
    }
  });

  it("signing in with a `next` off the site, or with control characters, lands on the dashboard", async () => {
    const login = await registerAndLogin();
    await admin(`/api/v1/admin/users/${login.user.id}/role`, {
      method: "PUT",
      body: { role: "owner" },
    });
    const form = (next: string) =>
      call("/login", {
        method: "POST",
        body: new URLSearchParams({
          username: login.user.username,
          password: login.password,
          next,
        }).toString(),
        headers: { origin: BASE, "content-type": "application/x-www-form-urlencoded" },
      });
    for (const next of [
      "/\\evil.example",
      "/admin/../..//evil.example",
      "//evil.example",
      "/dashboard\r\nx-injected: 1",
      "/\t/evil.example",
      "/a\u0000b",
    ]) {
      const before = await sessions();
      const res = await form(next);
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(res.headers.get("location")).toBe("/dashboard");
      expect(res.headers.get("x-injected")).toBeNull();
      // Signed in: one new session, whose cookie opens the dashboard.
      expect(await sessions()).toBe(before + 1);
      const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect((await call("/dashboard", { headers: { cookie } })).status).toBe(200);
    }
    // The sign-in page itself keeps no such `next`: its form carries the dashboard.
    const page = await call("/login?next=%2Fa%00b");
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="next" value="/dashboard"');
  });
});
