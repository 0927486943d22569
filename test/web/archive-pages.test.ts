// The archive and D1's capacity as an operator meets them in the admin: months with their state
// and files, a month archived and reopened from the page, a file downloaded, the size on /admin.
import { describe, expect, it } from "vitest";
import { admin, BASE, call, eventually } from "../support/http";
import { signedInCookie } from "../support/pages";
import { createProduct, createShop, flush, postBatch } from "../support/sales";

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";

async function signIn() {
  const cookie = await signedInCookie("admin");
  const get = (path: string) => call(path, { headers: { cookie } });
  const csrf = csrfOf((await get("/admin")).text);
  const post = (path: string, fields: Record<string, string> = {}) =>
    call(path, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      headers: { origin: BASE, "content-type": "application/x-www-form-urlencoded", cookie },
    });
  return { get, post };
}

const rowOf = (html: string, month: string) =>
  html.match(new RegExp(`<tr data-month="${month}"[^>]*>[\\s\\S]*?</tr>`))?.[0] ?? "";

async function jobDone(get: (path: string) => ReturnType<typeof call>, location: string) {
  expect(location).toMatch(/^\/admin\/jobs\/\d+$/);
  return eventually(async () => {
    const html = (await get(location)).text;
    return html.includes('data-job-status="succeeded"') ? html : undefined;
  }, 15_000);
}

describe("the archive pages", () => {
  it("archive a month from the page, list its files, download one and reopen the month", async () => {
    const op = await signIn();
    const [product, shop] = await Promise.all([createProduct(7.25), createShop()]);
    const month = "1984-06";
    const sales = Array.from({ length: 6 }, (_, i) => ({
      id: `AP-${i}`,
      shop_id: shop.id,
      product_id: product.id,
      quantity: 1 + i,
      sold_at: `${month}-1${i}T09:00:00Z`,
    }));
    expect((await postBatch(sales)).rejected).toEqual([]);
    await flush();

    const before = rowOf((await op.get("/admin/archive")).text, month);
    expect(before).toContain('data-state="open"');
    expect(before).toContain("Archive now");
    const run = await op.post(`/admin/archive/${month}/run`);
    expect(run.status).toBe(303);
    const done = await jobDone(op.get, run.headers.get("location") ?? "");
    expect(done).toContain(`${month} archived`);
    expect(done).toContain('href="/admin/archive"');

    const api = (await admin("/api/v1/admin/archive")).json.months.find(
      (m: { month: string }) => m.month === month,
    );
    const page = await op.get("/admin/archive");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const after = rowOf(page.text, month);
    expect(after).toContain('data-state="archived"');
    expect(after).toContain("Reopen…");
    expect(after).toMatch(/>\s*6\s*</);
    const key = api.files[0].key as string;
    const href = `/admin/archive/files/${encodeURIComponent(key)}`;
    expect(after).toContain(`href="${href}"`);
    const file = await op.get(href);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    expect(Number(file.headers.get("content-length"))).toBe(api.files[0].bytes);
    const missing = await op.get(`/admin/archive/files/${encodeURIComponent("sales/nothing")}`);
    expect(missing.status).toBe(404);

    // Reopening asks first; confirmed, the month is open again with its receipts in D1.
    const ask = await op.post(`/admin/archive/${month}/reopen`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain(`Reopen ${month}?`);
    expect(rowOf((await op.get("/admin/archive")).text, month)).toContain('data-state="archived"');
    const reopen = await op.post(`/admin/archive/${month}/reopen`, { confirm: "yes" });
    expect(reopen.status).toBe(303);
    expect(await jobDone(op.get, reopen.headers.get("location") ?? "")).toContain("reopened");
    expect(rowOf((await op.get("/admin/archive")).text, month)).toContain('data-state="open"');
  });

  it("refuses, in words on the page, a month that has not ended and a reopen of an open one", async () => {
    const op = await signIn();
    const thisMonth = new Date().toISOString().slice(0, 7);
    const run = await op.post(`/admin/archive/${thisMonth}/run`);
    expect(run.status).toBe(303);
    expect(run.headers.get("location")).toBe("/admin/archive");
    expect((await op.get("/admin/archive")).text).toContain("has not ended for every shop yet");
    const reopen = await op.post("/admin/archive/1970-01/reopen", { confirm: "yes" });
    expect(reopen.headers.get("location")).toBe("/admin/archive");
    expect((await op.get("/admin/archive")).text).toContain("1970-01 is not archived");
    expect((await op.post("/admin/archive/1970-13/run")).status).toBe(400);
  });

  it("are for admins only: an owner gets a 403 page, a stranger the sign-in, an API key a 401", async () => {
    const owner = await signedInCookie("owner");
    for (const path of ["/admin/archive", "/admin/archive/files/sales%2Fx", "/admin"]) {
      expect((await call(path, { headers: { cookie: owner } })).status, path).toBe(403);
      const stranger = await call(path);
      expect(stranger.status, path).toBe(303);
      expect(stranger.headers.get("location"), path).toMatch(/^\/login\?next=/);
    }
    const counted = await call("/admin/capacity/count", {
      method: "POST",
      body: "",
      headers: { origin: BASE, "content-type": "application/x-www-form-urlencoded", cookie: owner },
    });
    expect(counted.status).toBe(403);
    expect((await call("/api/v1/admin/capacity")).status).toBe(401);
  });

  it("shows D1's size, rows per table and the day it fills on /admin, and counts again", async () => {
    const op = await signIn();
    const counted = await op.post("/admin/capacity/count");
    expect(counted.status).toBe(303);
    const home = (await op.get("/admin")).text;
    expect(home).toContain("D1 counted again.");
    const api = (await admin("/api/v1/admin/capacity")).json;
    const size = Number(home.match(/data-size="(\d+)"/)?.[1]);
    expect(Math.abs(size - api.size_bytes)).toBeLessThan(1_000_000);
    expect(home).toMatch(/data-size="\d+">[\d.,]+ MB</);
    expect(home).toContain(`% of ${api.limit_bytes / 1e9} GB`);
    expect(home).toMatch(/<code>sales<\/code><\/th><td class="num">[\d,]+<\/td>/);
    expect(home).not.toContain("data-capacity-warning");
    expect(home).toContain('href="/admin/archive"');
  });
});
