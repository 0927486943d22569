// The owner's reports: the range picker, a shop's page, both exports (the CSV parsed, the
// workbook opened with exceljs), and the dashboard at 390 px. Figures are compared with the API.
import ExcelJS from "exceljs";

const fetchReport = (api, query) =>
  api("GET", `/api/v1/reports/sales?${new URLSearchParams(query)}`);

/** The figure a card shows, as its data-value. */
const card = async (page, name) =>
  Number(await page.locator(`[data-figure="${name}"]`).getAttribute("data-value"));

/** Parses RFC 4180 CSV (quoted fields with commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  return rows;
}

/** The file a click on `link` downloads: its suggested name and its bytes. */
export async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const stream = await file.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: file.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

export async function reportFlows(page, { check, assert, api, shot, signIn, server }) {
  await signIn(page, "owner");
  await page.waitForURL("**/dashboard");

  await check("the range picker: a preset and a custom range show the API's figures", async () => {
    await page.getByRole("link", { name: "Last month" }).click();
    await page.waitForURL(/preset=last_month/);
    const label = await page.locator(".rule strong").textContent();
    const [from, to] = label.split(" – ");
    const api1 = await fetchReport(api, { from, to });
    assert(api1.status === 200, `report ${api1.status}`);
    for (const name of ["gross", "refunds", "net"]) {
      const shown = await card(page, name);
      assert(
        shown === api1.json.totals[name],
        `${name}: page ${shown}, API ${api1.json.totals[name]}`,
      );
    }
    assert(api1.json.totals.refunds > 0, "the demo data has refunds last month");
    await page.getByLabel("From", { exact: true }).fill(from);
    await page.getByLabel("To", { exact: true }).fill(to);
    await page.getByLabel("By", { exact: true }).selectOption("week");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/interval=week/);
    const periods = await page.locator("svg.series g.period").count();
    const weeks = await fetchReport(api, { from, to, interval: "week" });
    assert(
      periods === weeks.json.series.length,
      `${periods} columns, ${weeks.json.series.length} weeks`,
    );
    const ticks = await page.locator("svg.series g.grid text").count();
    assert(ticks >= 3, `the y-axis has ${ticks} labels`);
    await shot(page, "dashboard-range");
  });

  await check("a shop's bar leads to its page: zone, day start, series, weakest days", async () => {
    await page.getByRole("link", { name: "Last month" }).click();
    await page.waitForURL(/preset=last_month/);
    const bar = page.locator('svg[aria-label^="Top 10 shops"] g.bar a').first();
    const href = await bar.getAttribute("href");
    await bar.click();
    await page.waitForURL(/\/dashboard\/shops\/\d+/);
    const shopId = Number(/shops\/(\d+)/.exec(href)[1]);
    const shop = (await api("GET", `/api/v1/admin/shops/${shopId}`)).json;
    assert((await page.locator("[data-zone]").textContent()) === shop.time_zone, "zone shown");
    assert(
      (await page.locator("[data-day-start]").textContent()) === shop.day_starts_at,
      "day start",
    );
    const label = await page.locator(".rule strong").textContent();
    const [from, to] = label.split(" – ");
    const r = await fetchReport(api, { from, to, shop_id: shopId });
    assert((await card(page, "net")) === r.json.totals.net, "the shop's net equals the API's");
    const weakest = await page.locator("[data-weak-day]").count();
    assert(weakest === 5, `${weakest} weakest days`);
    await shot(page, "dashboard-shop");
  });

  await check(
    "both exports carry what is on screen; the workbook says net = gross − discounts − refunds",
    async () => {
      await page.goto(`${server.base}/dashboard?preset=last_month`);
      const label = await page.locator(".rule strong").textContent();
      const [from, to] = label.split(" – ");
      const r = (await fetchReport(api, { from, to })).json;
      const csv = await download(page, page.getByRole("link", { name: "CSV" }));
      assert(csv.name === `sales_${from}_${to}.csv`, `file name ${csv.name}`);
      const rows = parseCsv(csv.bytes.toString("utf8"));
      const head = rows[0];
      const total = rows.find((row) => row[0] === "total");
      const col = (name) => Number(total[head.indexOf(name)]);
      for (const name of [
        "gross",
        "discounts",
        "refunds",
        "net",
        "tax",
        "collected",
        "items_sold",
        "items_refunded",
        "sales",
        "average_sale",
        "items_per_sale",
      ])
        assert(col(name) === r.totals[name], `CSV ${name} ${col(name)} ≠ ${r.totals[name]}`);
      const days = rows.filter((row) => row[0] === "day");
      assert(days.length === r.series.length, `CSV days ${days.length}`);
      const topShops = rows.filter((row) => row[0] === "top_shop");
      assert(
        topShops.length === 10 && topShops.every((row) => row[3]),
        "top shops with their zones",
      );

      const xlsx = await download(page, page.getByRole("link", { name: "Excel" }));
      assert(xlsx.name === `sales_${from}_${to}.xlsx`, `file name ${xlsx.name}`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.bytes);
      const summary = book.getWorksheet("Summary");
      const text = [];
      summary.eachRow((row) => text.push(row.values.slice(1).join(" ")));
      assert(
        text.some((t) => t.includes("net = gross − discounts − refunds")),
        "the rule is stamped",
      );
      assert(
        text.some((t) => t.startsWith("Time zones") && t.includes("Europe/Moscow")),
        "zones listed",
      );
      const series = book.getWorksheet("Series");
      let totalRow;
      series.eachRow((row) => {
        if (String(row.getCell(1).value).startsWith("total")) totalRow = row;
      });
      const n = totalRow.number;
      const net = totalRow.getCell(5).value;
      assert(net.formula === `B${n}-C${n}-D${n}`, `net formula ${net.formula}`);
      assert(net.result === r.totals.net, `xlsx net ${net.result} ≠ ${r.totals.net}`);
      const collected = totalRow.getCell(7).value;
      assert(collected.formula === `E${n}+F${n}`, `collected formula ${collected.formula}`);
      assert(collected.result === r.totals.collected, "xlsx collected");
      assert(totalRow.getCell(2).value === r.totals.gross, "xlsx gross");
      assert(totalRow.getCell(3).value === r.totals.discounts, "xlsx discounts");
    },
  );

  await check(
    "a shop's receipts of a business day open one receipt with its lines and refunds, as the API reads it back",
    async () => {
      await page.goto(`${server.base}/dashboard/shops/1?preset=last_month`);
      await page.getByRole("link", { name: "Receipts of a business day →" }).click();
      // A business day of the demo data with a receipt of several lines: walk back from today.
      let found = false;
      for (let back = 0; back < 20 && !found; back++) {
        if ((await page.locator('[data-receipt]:not([data-lines="1"])').count()) > 0) found = true;
        else {
          const day = await page.locator('input[name="day"]').inputValue();
          const earlier = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000);
          await page.goto(
            `${server.base}/dashboard/shops/1/receipts?day=${earlier.toISOString().slice(0, 10)}`,
          );
        }
      }
      assert(found, "a day with receipts");
      await shot(page, "dashboard-receipts");
      const first = page.locator('[data-receipt]:not([data-lines="1"]) a').first();
      const id = await first.textContent();
      await first.click();
      const back = (await api("GET", `/api/v1/shops/1/sales/${id}`)).json;
      const lines = await page.locator("[data-receipt-lines] tbody tr").count();
      assert(lines === back.lines.length, `${lines} lines shown, ${back.lines.length} stored`);
      const total = await page.locator('[data-receipt-totals] [data-figure="total"]').textContent();
      const shown = Number(total.replaceAll(",", ""));
      assert(shown === back.total, `total ${shown} ≠ ${back.total}`);
      await shot(page, "dashboard-receipt");
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert(overflow <= 0, `the receipt overflows 390 px by ${overflow} px`);
      await shot(page, "dashboard-receipt-390");
      await page.setViewportSize({ width: 1280, height: 800 });
    },
  );

  await check("the dashboard fits 390 px without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const url of ["/dashboard?preset=last_month", "/dashboard/shops/1?preset=last_month"]) {
      await page.goto(`${server.base}${url}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert(overflow <= 0, `${url} overflows by ${overflow} px`);
    }
    await page.goto(`${server.base}/dashboard?preset=last_month`);
    await shot(page, "dashboard-390");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
}
