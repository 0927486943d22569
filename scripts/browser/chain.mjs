// A chain across countries in the browser (docs/API.md#currencies, #managers): the owner's
// dashboard in roubles converted at the demo's daily rates, the Serbian shops' manager who sees
// those shops only, and the operator's rates page with a CSV upload.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { accessibilityProblems } from "./a11y.mjs";

export async function chainFlows(page, { check, assert, api, shot, signIn, server }) {
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 13 * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${from}&to=${today}&interval=day`;
  const shops = (await api("GET", "/api/v1/shops?limit=1000")).json.items;
  const serbian = shops.filter((s) => s.currency === "RSD").map((s) => s.id);
  const elsewhere = shops.find((s) => s.currency !== "RSD");

  await check(
    "the Serbian manager's dashboard shows the Serbian shops only, converted",
    async () => {
      await signIn(page, "manager");
      await page.waitForURL("**/dashboard");
      await page.goto(`${server.base}/dashboard?${range}`);
      const bars = await page
        .locator('g.bar[data-id^="shop-"]')
        .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-id")?.slice(5))));
      assert(bars.length > 0, "no shop bars");
      assert(
        bars.every((id) => serbian.includes(id)),
        `shops ${bars} are not all Serbian (${serbian})`,
      );
      // The same figure through the API, with a reports key bound the same way.
      const key = await api("POST", "/api/v1/admin/api-keys", {
        name: "browser manager check",
        scopes: ["reports:read"],
        shop_ids: serbian,
      });
      const report = await api("GET", `/api/v1/reports/sales?${range}`, undefined, key.json.key);
      const net = Number(await page.locator('[data-figure="net"]').getAttribute("data-value"));
      assert(net === report.json.totals.net, `net ${net}, API ${report.json.totals.net}`);
      assert(report.json.currency === "RUB", `in ${report.json.currency}`);
      assert((await page.locator("[data-unconverted]").count()) === 0, "unconverted figures shown");
      const problems = await accessibilityProblems(page);
      assert(problems.length === 0, problems.join("; "));
      await shot(page, "dashboard-manager");
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert(overflow <= 0, `${overflow} px too wide at 390`);
      await shot(page, "dashboard-manager-390");
      await page.setViewportSize({ width: 1280, height: 800 });
      const other = await page.goto(`${server.base}/dashboard/shops/${elsewhere.id}?${range}`);
      assert(other?.status() === 404, `another shop's page: ${other?.status()}`);
      const own = await page.goto(`${server.base}/dashboard/shops/${serbian[0]}?${range}`);
      assert(own?.status() === 200, `an own shop's page: ${own?.status()}`);
      assert((await page.content()).includes("RSD"), "the shop's page is not in dinars");
      await page.context().clearCookies();
    },
  );

  await check("the operator uploads rates on /admin/fx-rates; a bad row is named", async () => {
    await signIn(page, "admin");
    await page.waitForURL("**/dashboard");
    await page.goto(`${server.base}/admin/fx-rates`);
    assert((await page.locator(`tr[data-date="${today}"]`).count()) === 1, "today's rates missing");
    const file = path.join(tmpdir(), `rates-${Date.now()}.csv`);
    writeFileSync(
      file,
      "date,base,currency,rate\n2020-01-01,EUR,RUB,69.9\n2020-01-02,EUR,RUB,zero\n",
    );
    await page.getByLabel("CSV file").setInputFiles(file);
    await page.getByRole("button", { name: "Upload" }).click();
    const rows = await page
      .locator("[data-csv-errors] li")
      .evaluateAll((l) => l.map((li) => li.getAttribute("data-row")));
    assert(JSON.stringify(rows) === '["3"]', `rows named: ${rows}`);
    const stored = await api("GET", "/api/v1/admin/fx-rates?from=2020-01-01&to=2020-01-02");
    assert(
      JSON.stringify(stored.json.items.map((s) => s.date)) === '["2020-01-01"]',
      `stored: ${JSON.stringify(stored.json.items)}`,
    );
    const problems = await accessibilityProblems(page);
    assert(problems.length === 0, problems.join("; "));
    await page.goto(`${server.base}/admin/fx-rates`);
    await shot(page, "admin-fx-rates");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "admin-fx-rates-390");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
}
