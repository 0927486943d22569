import { describe, expect, it } from "vitest";
import { BASE, call } from "../support/http";
import { signedInCookie } from "../support/pages";

describe("signed-in pages", () => {
  it("are never stored by a browser or a proxy", async () => {
    const owner = await signedInCookie("owner");
    const operator = await signedInCookie("admin");
    for (const [path, cookie] of [
      ["/dashboard", owner],
      ["/dashboard/shops/1", owner],
      ["/admin/api-keys", operator],
      ["/admin/companies", operator],
      ["/admin/terminals", operator],
    ] as const) {
      const res = await call(path, { headers: { cookie } });
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
  });

  it("open the live channel only from this site's own pages", async () => {
    const owner = await signedInCookie("owner");
    const live = (origin: string) =>
      call("/dashboard/live", { headers: { cookie: owner, upgrade: "websocket", origin } });
    for (const origin of ["https://evil.example", "https://retail-edge.test:8443", "null"]) {
      expect((await live(origin)).status, origin).toBe(403);
    }
    const own = await live(BASE);
    expect(own.status).toBe(101);
  });
});
