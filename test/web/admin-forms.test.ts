// The admin's forms as an operator meets them: errors next to the field with the input kept,
// outcomes from the server (never from the URL), confirmations before destructive actions.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, BASE, call, eventually, registerAndLogin, unique } from "../support/http";
import { signedInCookie } from "../support/pages";

const formHeaders = (cookie: string) => ({
  origin: BASE,
  "content-type": "application/x-www-form-urlencoded",
  cookie,
});
const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";

/**
 * A signed-in admin who posts forms the way the browser does (with the page's CSRF token). One
 * per file: sign-ins are rate limited per address, as they are for a person.
 */
let shared: Promise<Awaited<ReturnType<typeof signInOperator>>> | undefined;
const operator = () => {
  shared ??= signInOperator();
  return shared;
};

async function signInOperator() {
  const cookie = await signedInCookie("admin");
  const csrf = csrfOf((await call("/admin/catalog", { headers: { cookie } })).text);
  const get = (path: string) => call(path, { headers: { cookie } });
  const post = (path: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return call(path, { method: "POST", body: body.toString(), headers: formHeaders(cookie) });
  };
  return { cookie, get, post };
}

async function company(extra: Record<string, unknown> = {}) {
  const res = await admin("/api/v1/admin/companies", {
    body: {
      name: unique("Co "),
      email: `${unique("co")}@example.com`,
      country: "Россия",
      city: "Казань",
      street: "Баумана",
      house_number: "7",
      supplier_id: null,
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.json as { id: number; name: string };
}

describe("admin forms", () => {
  it("show a refused product again with the typed values and the error next to its field", async () => {
    const op = await operator();
    const name = unique("Lamp ");
    const res = await op.post("/admin/catalog/products", {
      name,
      model: "LX-1",
      price: "12.345",
      release_date: "2024-01-01",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`value="${name}"`);
    expect(res.text).toMatch(/<label class="invalid">Price<input name="price" value="12.345"/);
    expect(res.text).toMatch(/class="field-error" id="price-error">[^<]+</);
    expect(res.text).toContain('class="error" role="alert"');
    const stored = await admin("/api/v1/products?limit=1000");
    expect(stored.json.items.some((p: { name: string }) => p.name === name)).toBe(false);
  });

  it("take a product's prices in other currencies, each with its own digits, and a shop's currency", async () => {
    const op = await operator();
    const name = unique("Samovar ");
    const fields = { name, model: "S-1", price: "100", release_date: "2024-01-01" };
    const refused = await op.post("/admin/catalog/products", {
      ...fields,
      prices: "KZT 450, JPY 1500.5",
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('value="KZT 450, JPY 1500.5"');
    expect(refused.text).toContain("must be a whole number (JPY has no minor unit)");
    const saved = await op.post("/admin/catalog/products", {
      ...fields,
      prices: "kzt 450, JPY 1500",
    });
    expect(saved.status).toBe(303);
    const stored = (await admin("/api/v1/products?limit=1000")).json.items.find(
      (p: { name: string }) => p.name === name,
    );
    expect(stored.prices).toEqual({ KZT: 450, JPY: 1500 });
    const shop = unique("Almaty ");
    expect(
      (
        await op.post("/admin/catalog/shops", {
          name: shop,
          address: "1 Abay Ave",
          currency: "kzt",
        })
      ).status,
    ).toBe(303);
    const shops = (await admin("/api/v1/shops?limit=1000")).json.items;
    expect(shops.find((s: { name: string }) => s.name === shop).currency).toBe("KZT");
  });

  it("keep a shop's values when its company does not exist: the same page, a 400 on company_id", async () => {
    const op = await operator();
    const name = unique("Shop ");
    const res = await op.post("/admin/catalog/shops", {
      name,
      address: "1 Main St",
      company_id: "999999",
      time_zone: "Europe/Moscow",
      day_starts_at: "04:00",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`value="${name}"`);
    expect(res.text).toContain('value="999999"');
    expect(res.text).toMatch(/id="company_id-error">[^<]*999999/);
    expect(res.text).toMatch(/<option value="Europe\/Moscow" selected/);
  });

  it("report success from the server once, and never render a notice from the URL", async () => {
    const op = await operator();
    const name = unique("Kettle ");
    const saved = await op.post("/admin/catalog/products", {
      name,
      model: "K-2",
      price: "19.90",
      release_date: "2024-02-02",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/admin/catalog");
    const first = await op.get("/admin/catalog");
    expect(first.text).toContain(`Product ${name} added.`);
    expect(first.text).toContain('class="notice" role="status"');
    expect((await op.get("/admin/catalog")).text).not.toContain(`Product ${name} added.`);
    const spoofed = await op.get("/admin/catalog?notice=Your%20account%20is%20locked");
    expect(spoofed.status).toBe(200);
    expect(spoofed.text).not.toContain("Your account is locked");
  });

  it("show a new API key once after a redirect; a reload neither shows it nor makes another", async () => {
    const op = await operator();
    const name = unique("till ");
    const created = await op.post("/admin/api-keys", { name, scopes: "reports:read" });
    expect(created.status).toBe(303);
    const shown = await op.get("/admin/api-keys");
    expect(shown.headers.get("cache-control")).toBe("no-store");
    const key = shown.text.match(/data-new-key[^>]*>(re_[A-Za-z0-9_-]+)</)?.[1];
    expect(key).toBeDefined();
    expect((await call("/api/v1/reports/top-products", { token: key ?? "" })).status).toBe(200);
    const reloaded = await op.get("/admin/api-keys");
    expect(reloaded.text).not.toContain(key);
    const live = await admin("/api/v1/admin/api-keys?limit=1000");
    expect(live.json.items.filter((k: { name: string }) => k.name === name)).toHaveLength(1);
  });

  it("refuse a key for a shop that does not exist next to the field, creating nothing", async () => {
    const op = await operator();
    const name = unique("ghost ");
    const res = await op.post("/admin/api-keys", {
      name,
      scopes: "sales:write",
      shop_id: "987654",
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="shop_id-error">unknown shop 987654/);
    expect(res.text).toContain(`value="${name}"`);
    const live = await admin("/api/v1/admin/api-keys?limit=1000");
    expect(live.json.items.some((k: { name: string }) => k.name === name)).toBe(false);
  });
});

describe("destructive actions ask first", () => {
  it("revoke a key only after the confirmation step", async () => {
    const op = await operator();
    const made = await admin("/api/v1/admin/api-keys", {
      body: { name: unique("old "), scopes: ["reports:read"] },
    });
    const id = made.json.id as number;
    const ask = await op.post(`/admin/api-keys/${id}/revoke`, {});
    expect(ask.status).toBe(200);
    expect(ask.text).toContain("Revoke this key?");
    expect(ask.text).toContain('name="confirm" value="yes"');
    expect((await call("/api/v1/reports/top-products", { token: made.json.key })).status).toBe(200);
    const done = await op.post(`/admin/api-keys/${id}/revoke`, { confirm: "yes" });
    expect(done.status).toBe(303);
    const live = await admin("/api/v1/admin/api-keys?limit=1000");
    expect(live.json.items.some((k: { id: number }) => k.id === id)).toBe(false);
  });

  it("clear debt only after a confirmation naming the companies and the total", async () => {
    const op = await operator();
    const supplier = await company();
    const a = await company({ supplier_id: supplier.id, debt: 100.5 });
    const b = await company({ supplier_id: supplier.id, debt: 20 });
    const ask = await op.post("/admin/companies/clear-debt", {
      ids: [String(a.id), String(b.id)],
      back: "",
    });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain("Clear the debt of 2 companies?");
    expect(ask.text).toContain("120.50");
    expect((await admin(`/api/v1/admin/companies/${a.id}`)).json.debt).toBe(100.5);
    const done = await op.post("/admin/companies/clear-debt", {
      ids: [String(a.id), String(b.id)],
      back: "",
      confirm: "yes",
    });
    expect(done.status).toBe(303);
    expect((await admin(`/api/v1/admin/companies/${a.id}`)).json.debt).toBe(0);
    expect((await op.get("/admin/companies")).text).toContain("Cleared the debt of 2 companies.");
  });

  it("keep the last admin: the API answers 409 and an admin cannot demote themselves", async () => {
    const op = await operator();
    const myName = (await op.get("/admin")).text.match(/<span class="who">([^<]+) · admin</)?.[1];
    const me = (await admin("/api/v1/admin/users?limit=1000")).json.items.find(
      (u: { username: string }) => u.username === myName,
    ) as { id: number; role: string };
    expect(me.role).toBe("admin");
    const self = await op.post(`/admin/users/${me.id}/role`, { role: "owner", confirm: "yes" });
    expect(self.status).toBe(409);
    expect(self.text).toContain("cannot take away your own admin role");
    // Every other admin of this file's database loses the role; the last one keeps it.
    const admins = (await admin("/api/v1/admin/users?limit=1000")).json.items.filter(
      (u: { role: string | null }) => u.role === "admin",
    );
    for (const u of admins.filter((u: { id: number }) => u.id !== me.id)) {
      const res = await admin(`/api/v1/admin/users/${u.id}/role`, {
        method: "PUT",
        body: { role: null },
      });
      expect(res.status).toBe(200);
    }
    const last = await admin(`/api/v1/admin/users/${me.id}/role`, {
      method: "PUT",
      body: { role: null },
    });
    expect(last.status).toBe(409);
    expect(last.headers.get("content-type")).toBe("application/problem+json");
    const after = (await admin("/api/v1/admin/users?limit=1000")).json.items.find(
      (u: { id: number }) => u.id === me.id,
    );
    expect(after.role).toBe("admin");
  });
});

describe("admin lists", () => {
  it("filter companies by the start of the country or city in any case, and say when nothing matches", async () => {
    const op = await operator();
    const found = await company({ city: "Москва" });
    const hit = await op.get(`/admin/companies?city=${encodeURIComponent("моск")}&country=рос`);
    expect(hit.text).toContain(`data-company="${found.id}"`);
    // A long prefix: D1 caps a GLOB pattern at 50 bytes, so it is matched slice by slice.
    const far = await company({ city: "Петропавловск-Камчатский" });
    const long = await op.get(
      `/admin/companies?city=${encodeURIComponent("ПЕТРОПАВЛОВСК-камчатск")}`,
    );
    expect(long.status).toBe(200);
    expect(long.text).toContain(`data-company="${far.id}"`);
    expect(long.text).not.toContain(`data-company="${found.id}"`);
    const none = await op.get(`/admin/companies?city=${encodeURIComponent("Нигде")}`);
    expect(none.text).toContain("No company matches these filters.");
    expect(none.text).not.toContain("Clear debt of the selected companies");
    // The API's filter keeps its exact match (docs/API.md#network).
    const api = await admin(`/api/v1/admin/companies?city=${encodeURIComponent("моск")}`);
    expect(api.json.items).toHaveLength(0);
  });

  it("search users by the start of the username or e-mail in any case, a page at a time", async () => {
    const op = await operator();
    const prefix = unique("Pager").toLowerCase();
    for (let i = 0; i < 27; i++) {
      const res = await call("/api/v1/auth/register", {
        body: {
          username: `${prefix}_${i}`,
          email: `${prefix}_${i}@example.com`,
          password: "long-enough-password",
        },
      });
      expect(res.status).toBe(201);
    }
    const first = await op.get(`/admin/users?q=${prefix.toUpperCase()}`);
    expect(first.text.match(/aria-label="Role of /g)).toHaveLength(25);
    const next = first.text.match(/href="(\/admin\/users\?[^"]*cursor=[^"]+)" rel="next"/)?.[1];
    expect(next).toBeDefined();
    const second = await op.get((next ?? "").replaceAll("&amp;", "&"));
    expect(second.text.match(/aria-label="Role of /g)).toHaveLength(2);
    expect((await op.get("/admin/users?q=zz-nobody-zz")).text).toContain("Nothing matches");
  });

  it("search the catalog a page at a time", async () => {
    const op = await operator();
    const prefix = unique("Widget");
    for (let i = 0; i < 26; i++) {
      const res = await admin("/api/v1/admin/products", {
        body: { name: `${prefix} ${i}`, model: `W${i}`, price: 1, release_date: "2024-01-01" },
      });
      expect(res.status, res.text).toBe(201);
    }
    const page = await op.get(`/admin/catalog?q=${prefix.toLowerCase()}`);
    expect(page.text.match(/href="\/admin\/catalog\/products\/\d+"/g)).toHaveLength(25);
    expect(page.text).toContain('rel="next"');
  });

  it("list the outbox newest first, with any state (status= empty) and part of an address", async () => {
    const op = await operator();
    const mark = unique("outbox").toLowerCase();
    for (const n of [1, 2]) {
      await call("/api/v1/auth/register", {
        body: {
          username: `${mark}_${n}`,
          email: `${mark}_${n}@example.com`,
          password: "long-enough-password",
        },
      });
    }
    expect((await admin("/api/v1/admin/outbox?status=")).status).toBe(200);
    // The welcome mails reach the outbox through the mail queue.
    const page = await eventually(async () => {
      const res = await op.get(`/admin/outbox?status=&q=${mark.toUpperCase()}`);
      return res.text.includes(`${mark}_2@example.com`) && res.text.includes(`${mark}_1@`)
        ? res
        : undefined;
    });
    expect(page.status).toBe(200);
    const second = page.text.indexOf(`${mark}_2@example.com`);
    const first = page.text.indexOf(`${mark}_1@example.com`);
    expect(second).toBeGreaterThan(-1);
    expect(first).toBeGreaterThan(second);
  });

  it("filter orders by status", async () => {
    const op = await operator();
    const user = unique("seller_");
    await admin("/api/orders/upload", {
      body: {
        user,
        orders: ["paid", "cancelled"].map((status, i) => ({
          order_number: `${user}-${i}`,
          created_at: "2026-11-01T10:00:00Z",
          total_amount: 10,
          status,
          items: [{ sku: "S", name: "N", quantity: 1, price: 10 }],
        })),
      },
    });
    const page = await op.get(`/admin/orders?seller=${user}&status=cancelled`);
    expect(page.text).toContain(`${user}-1`);
    expect(page.text).not.toContain(`${user}-0<`);
  });
});

describe("error pages", () => {
  it("keep the navigation for a signed-in person and speak to them", async () => {
    const cookie = await signedInCookie("owner");
    const missing = await call("/admin/nowhere", { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<nav aria-label="Main">');
    expect(missing.text).toContain("There is no page at /admin/nowhere.");
    expect(missing.text).not.toContain("There is no route");
    // An admin's stale form is a 403 that says so (not a word about roles).
    const op = await operator();
    const stale = await call("/admin/catalog/products", {
      method: "POST",
      body: new URLSearchParams({ name: "x" }).toString(),
      headers: formHeaders(op.cookie),
    });
    expect(stale.status).toBe(403);
    expect(stale.text).toContain("out of date or not ours");
    const forbidden = await call("/admin/companies", { headers: { cookie } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('<nav aria-label="Main">');
    expect(forbidden.text).toMatch(/You are signed in as [^<]+ \(owner\); this page is for admins/);
  });
});

describe("the session cookie", () => {
  it("is __Host- on https, and plain on a local http run where browsers drop Secure cookies", async () => {
    expect(await signedInCookie("owner")).toMatch(/^__Host-re_session=/);
    const login = await registerAndLogin();
    await admin(`/api/v1/admin/users/${login.user.id}/role`, {
      method: "PUT",
      body: { role: "owner" },
    });
    const local = await exports.default.fetch("http://127.0.0.1/login", {
      method: "POST",
      headers: { origin: "http://127.0.0.1", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        username: login.user.username,
        password: login.password,
      }).toString(),
      redirect: "manual",
    });
    await local.text();
    expect(local.status).toBe(303);
    const raw = local.headers.get("set-cookie") ?? "";
    expect(raw).toMatch(/^re_session=/);
    expect(raw).not.toMatch(/Secure/i);
  });
});
