import { describe, expect, it } from "vitest";
import { admin, BASE, call, registerAndLogin } from "../support/http";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (cookie?: string) => ({
  origin: BASE,
  "content-type": "application/x-www-form-urlencoded",
  ...(cookie && { cookie }),
});

async function userWithRole(role: "admin" | "owner" | null) {
  const login = await registerAndLogin();
  if (role) {
    await admin(`/api/v1/admin/users/${login.user.id}/role`, { method: "PUT", body: { role } });
  }
  return login;
}

async function signIn(username: string, password: string) {
  const res = await call("/login", {
    method: "POST",
    body: form({ username, password, next: "/dashboard" }),
    headers: formHeaders(),
  });
  const cookie = res.headers.get("set-cookie") ?? "";
  return { res, cookie: cookie.split(";")[0] ?? "" };
}

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";

describe("signing in to the pages", () => {
  it("answers a wrong password with the form and an error, and sets no cookie", async () => {
    const { user } = await userWithRole("owner");
    const { res } = await signIn(user.username, "wrong password!");
    expect(res.status).toBe(401);
    expect(res.text).toContain("Unknown username or wrong password.");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses an account without a web role", async () => {
    const { user, password } = await userWithRole(null);
    const { res } = await signIn(user.username, password);
    expect(res.status).toBe(401);
    expect(res.text).toContain("no web role");
  });

  it("sets an HttpOnly, SameSite=Lax session cookie and serves the dashboard with a strict CSP", async () => {
    const { user, password } = await userWithRole("owner");
    const { res, cookie } = await signIn(user.username, password);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard");
    const raw = res.headers.get("set-cookie") ?? "";
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    expect(raw).toMatch(/Secure/i); // not a local host here
    const dashboard = await call("/dashboard", { headers: { cookie } });
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain("Top 10 shops by net");
    const csp = dashboard.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("shows an owner a 403 page for the admin, and sends strangers to the sign-in", async () => {
    const { user, password } = await userWithRole("owner");
    const { cookie } = await signIn(user.username, password);
    const adminPage = await call("/admin/companies", { headers: { cookie } });
    expect(adminPage.status).toBe(403);
    expect(adminPage.headers.get("content-type")).toMatch(/text\/html/);
    const stranger = await call("/admin/companies");
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get("location")).toBe("/login?next=%2Fadmin%2Fcompanies");
  });

  it("refuses a form POST without the session's CSRF token, and one from another origin", async () => {
    const { user, password } = await userWithRole("admin");
    const { cookie } = await signIn(user.username, password);
    const page = await call("/admin/catalog", { headers: { cookie } });
    const token = csrfOf(page.text);
    expect(token.length).toBeGreaterThan(10);
    const body = form({ name: "CSRF probe", address: "1 Probe St" });
    const without = await call("/admin/catalog/shops", {
      method: "POST",
      body,
      headers: formHeaders(cookie),
    });
    expect(without.status).toBe(403);
    const foreign = await call("/admin/catalog/shops", {
      method: "POST",
      body: form({ name: "CSRF probe", address: "1 Probe St", _csrf: token }),
      headers: { ...formHeaders(cookie), origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const shops = await call("/api/v1/shops?limit=1000");
    expect(shops.json.items.some((s: { name: string }) => s.name === "CSRF probe")).toBe(false);
    const ok = await call("/admin/catalog/shops", {
      method: "POST",
      body: form({ name: "CSRF probe", address: "1 Probe St", _csrf: token }),
      headers: formHeaders(cookie),
    });
    expect(ok.status).toBe(303);
  });

  it("ends the session on logout: the old cookie no longer opens a page", async () => {
    const { user, password } = await userWithRole("admin");
    const { cookie } = await signIn(user.username, password);
    const token = csrfOf((await call("/dashboard", { headers: { cookie } })).text);
    const out = await call("/logout", {
      method: "POST",
      body: form({ _csrf: token }),
      headers: formHeaders(cookie),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/re_session=;/);
    const after = await call("/dashboard", { headers: { cookie } });
    expect(after.status).toBe(303);
  });
});
