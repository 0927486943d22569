// The operator's archive: the oldest month of the demo history archived from /admin/archive,
// its report unchanged, a Parquet file downloaded, and D1's size and fill date on /admin.
import { accessibilityProblems } from "./a11y.mjs";
import { download } from "./reports.mjs";

export async function archiveFlows(page, { check, assert, api, shot, signIn, server }) {
  await signIn(page, "admin");
  await page.waitForURL("**/dashboard");

  await check(
    "the admin archives the oldest month from /admin/archive; its report stays, a file downloads",
    async () => {
      const listed = await api("GET", "/api/v1/admin/archive");
      const month = listed.json.months.find((m) => m.state === "open")?.month;
      assert(month, "the demo data has no open month");
      const report = (m) => api("GET", `/api/v1/reports/sales?from=${m}-01&to=${m}-28`);
      const before = await report(month);
      await page.goto(`${server.base}/admin/archive`);
      const row = page.locator(`tr[data-month="${month}"]`);
      assert((await row.getAttribute("data-state")) === "open", "the month is not open");
      await shot(page, "admin-archive-before");
      await row.getByRole("button", { name: "Archive now" }).click();
      await page.waitForURL(/\/admin\/jobs\/\d+/);
      await page.locator('[data-job-status="succeeded"]').waitFor({ timeout: 60_000 });
      const result = await page.locator("[data-job-result]").textContent();
      assert(result?.startsWith(`${month} archived`), `job result: ${result}`);
      await page.getByRole("link", { name: "Back to the archive" }).click();
      await page.waitForURL("**/admin/archive");
      assert((await row.getAttribute("data-state")) === "archived", "the month is not archived");
      await page.reload();
      const problems = await accessibilityProblems(page);
      assert(problems.length === 0, problems.join("; "));
      await row.locator("summary").click();
      await shot(page, "admin-archive");

      const after = await api("GET", "/api/v1/admin/archive");
      const archived = after.json.months.find((m) => m.month === month);
      const file = await download(page, row.getByRole("link").first());
      assert(file.bytes.subarray(0, 4).toString() === "PAR1", "not a Parquet file");
      assert(
        archived.files.some((f) => f.bytes === file.bytes.length),
        `${file.name}: ${file.bytes.length} bytes, not one of the listed files`,
      );
      const same = await report(month);
      assert(
        JSON.stringify(same.json.totals) === JSON.stringify(before.json.totals),
        `the report moved: ${JSON.stringify(before.json.totals)} → ${JSON.stringify(same.json.totals)}`,
      );
    },
  );

  await check("/admin shows D1's size, bytes per sale and the day it fills", async () => {
    await page.goto(`${server.base}/admin`);
    const capacity = await api("GET", "/api/v1/admin/capacity");
    const size = Number(await page.locator("[data-size]").getAttribute("data-size"));
    assert(size === capacity.json.size_bytes, `size ${size}, API ${capacity.json.size_bytes}`);
    const shown = await page.locator("[data-size]").textContent();
    assert(/^[\d.,]+ (MB|GB)$/.test(shown ?? ""), `size shown as ${shown}`);
    const fullOn = await page.locator("[data-full-on]").textContent();
    assert(fullOn === capacity.json.full_on, `full on ${fullOn}, API ${capacity.json.full_on}`);
    assert(/^\d{4}-\d{2}-\d{2}$/.test(fullOn ?? ""), `the demo's rate fills D1 on ${fullOn}`);
    await page.locator("[data-capacity] summary").click();
    await shot(page, "admin-home");
  });
}
