// The exchange-rates page as an operator meets it: a CSV uploaded as a browser sends a file
// (multipart), each good date stored, each bad row named, its date left as it was.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, BASE } from "../support/http";
import { signedInCookie } from "../support/pages";

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";

async function upload(cookie: string, csv: string) {
  const page = await exports.default.fetch(`${BASE}/admin/fx-rates`, { headers: { cookie } });
  const form = new FormData();
  form.set("_csrf", csrfOf(await page.text()));
  form.set("file", new File([csv], "rates.csv", { type: "text/csv" }));
  const res = await exports.default.fetch(`${BASE}/admin/fx-rates`, {
    method: "POST",
    body: form,
    headers: { cookie, origin: BASE },
    redirect: "manual",
  });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

const ratesOf = async (date: string) =>
  (await admin(`/api/v1/admin/fx-rates?from=${date}&to=${date}`)).json.items[0]?.rates ?? null;

describe("the exchange-rates page", () => {
  it("stores an uploaded CSV's dates and names every bad row", async () => {
    const cookie = await signedInCookie("admin");
    const good = await upload(
      cookie,
      "date,base,currency,rate\n2013-02-01,EUR,RUB,98.2\n2013-02-01,EUR,KZT,545.1\n2013-02-02,USD,RUB,80\n",
    );
    expect(good.status).toBe(303);
    expect(await ratesOf("2013-02-01")).toEqual({ EUR: 1, KZT: 545.1, RUB: 98.2 });
    expect(await ratesOf("2013-02-02")).toEqual({ RUB: 80, USD: 1 });

    const bad = await upload(
      cookie,
      [
        "date,base,currency,rate",
        "2013-02-05,EUR,RUB,99",
        "2013-02-01,EUR,RUB,-1",
        "2013-02-06,EUR,RUB,70",
        "2013-02-06,USD,KZT,400",
        "2013-02-04,EUR,XYZ,1",
        "not a row",
      ].join("\n"),
    );
    expect(bad.status).toBe(400);
    const rows = [...bad.text.matchAll(/data-row="(\d+)"/g)].map((m) => Number(m[1]));
    expect(rows).toEqual([3, 5, 6, 7]);
    expect(bad.text).toContain("2013-02-06 has base EUR on an earlier row, not USD");
    // The good date is stored; a date with a bad row keeps what it had.
    expect(await ratesOf("2013-02-05")).toEqual({ EUR: 1, RUB: 99 });
    expect(await ratesOf("2013-02-01")).toEqual({ EUR: 1, KZT: 545.1, RUB: 98.2 });
    expect(await ratesOf("2013-02-06")).toBeNull();
    expect(await ratesOf("2013-02-04")).toBeNull();
  });
});
