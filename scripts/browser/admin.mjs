// The operator's flows: companies and the clear-debt job, an order, the QR e-mail, CSRF.
import { accessibilityProblems } from "./a11y.mjs";

async function companiesToClear(api) {
  const country = `Testland ${Date.now().toString(36)}`;
  const base = { email: "t@example.com", country, city: "Test", street: "Main", house_number: "1" };
  const factory = await api("POST", "/api/v1/admin/companies", { ...base, name: "Test factory" });
  const ids = [];
  for (let i = 0; i < 30; i++) {
    const res = await api("POST", "/api/v1/admin/companies", {
      ...base,
      name: `Test distributor ${i}`,
      supplier_id: factory.json.id,
      debt: 100,
    });
    ids.push(res.json.id);
  }
  return { country, ids };
}

export async function adminFlows(page, { check, assert, api, shot, signIn, server }) {
  await check("the admin signs in", async () => {
    await signIn(page, "admin");
    await page.waitForURL("**/dashboard");
  });

  await check(
    "the admin filters companies, clears the debt of 25, sees the job finish and debts 0",
    async () => {
      const { country, ids } = await companiesToClear(api);
      await page.goto(`${server.base}/admin/companies`);
      await shot(page, "admin-companies");
      await page.getByLabel("Country").fill(country);
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/country=/);
      const chosen = ids.slice(0, 25);
      for (const id of chosen)
        await page.locator(`tr[data-company="${id}"] input[name="ids"]`).check();
      await page.getByRole("button", { name: /Clear debt of the selected/ }).click();
      // A confirmation first, naming the 25 and the total; nothing is cleared yet.
      await page.getByRole("heading", { name: "Clear the debt of 25 companies?" }).waitFor();
      await shot(page, "admin-clear-debt-confirm");
      const untouched = await api("GET", `/api/v1/admin/companies/${chosen[0]}`);
      assert(
        untouched.json.debt === 100,
        `cleared before the confirmation: ${untouched.json.debt}`,
      );
      await page.getByRole("button", { name: "Clear 2,500.00 of debt" }).click();
      await page.waitForURL(/\/admin\/jobs\/\d+/);
      await page.locator('[data-job-status="succeeded"]').waitFor({ timeout: 15_000 });
      await shot(page, "admin-job");
      const result = await page.locator("[data-job-result]").textContent();
      assert(result === "Cleared the debt of 25 companies.", `job result: ${result}`);
      await page.goto(`${server.base}/admin/companies?country=${encodeURIComponent(country)}`);
      for (const id of ids) {
        const debt = await page
          .locator(`tr[data-company="${id}"] [data-debt]`)
          .getAttribute("data-debt");
        const expected = chosen.includes(id) ? "0" : "10000";
        assert(debt === expected, `company ${id}: debt ${debt}, expected ${expected}`);
      }
    },
  );

  await check("an order page's items table equals the API's order", async () => {
    const listed = await api("GET", "/api/v1/admin/orders?seller=test_seller&limit=1");
    const number = listed.json.items[0].order_number;
    const order = (await api("GET", `/api/v1/orders/${encodeURIComponent(number)}`)).json;
    await page.goto(`${server.base}/admin/orders/${encodeURIComponent(number)}`);
    await shot(page, "admin-order");
    const rows = await page
      .locator("table[data-order-items] tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())),
      );
    const expected = order.items.map((i) => [
      i.sku,
      i.name,
      String(i.quantity),
      i.price.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    ]);
    assert(
      JSON.stringify(rows.map((r) => r.slice(0, 4))) === JSON.stringify(expected),
      `page ${JSON.stringify(rows)} vs API ${JSON.stringify(expected)}`,
    );
  });

  await check("the outbox shows the QR code image", async () => {
    const login = await fetch(`${server.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "employee_1", password: "demo-password" }),
    }).then((r) => r.json());
    const company = (await api("GET", "/api/v1/companies", undefined, login.access)).json.items[0];
    const queued = await api(
      "POST",
      `/api/v1/companies/${company.id}/get_qr`,
      undefined,
      login.access,
    );
    assert(queued.status === 202, `get_qr → ${queued.status}`);
    let mail;
    for (let i = 0; i < 50 && !mail; i++) {
      const box = await api(
        "GET",
        "/api/v1/admin/outbox?to=employee_1%40retail-edge.example&status=sent",
      );
      mail = box.json.items.find((m) => m.template === "company-qr");
      if (!mail) await new Promise((r) => setTimeout(r, 200));
    }
    assert(mail, "no QR e-mail in the outbox");
    await page.goto(`${server.base}/admin/outbox?status=sent`);
    await shot(page, "admin-outbox");
    await page.goto(`${server.base}/admin/outbox/${mail.id}`);
    const img = page.locator("img.qr");
    await img.waitFor();
    const width = await img.evaluate((el) => (el.complete ? el.naturalWidth : 0));
    assert(width > 100, `the QR image did not load (natural width ${width})`);
    // The HTML part shows the same code inline, with the contacts in words.
    const part = page.frameLocator("iframe.mail");
    const inline = await part
      .locator('img[src^="data:image/png"]')
      .evaluate((el) => (el.complete ? el.naturalWidth : 0));
    assert(inline > 100, `the inline QR image did not load (natural width ${inline})`);
    assert(
      (await part.locator(`a[href="mailto:${company.email}"]`).count()) === 1,
      "no contacts in the HTML part",
    );
    await page.evaluate(() => document.querySelector("img.qr")?.scrollIntoView({ block: "end" }));
    await shot(page, "admin-outbox-message");
  });

  await check("a form POST without the CSRF token is refused", async () => {
    await page.goto(`${server.base}/admin/catalog`);
    await shot(page, "admin-catalog");
    await page.goto(`${server.base}/admin/catalog/shops`);
    await page.locator("summary", { hasText: "New shop" }).click();
    const form = page.getByRole("form", { name: "New shop" });
    await form.getByLabel("Name", { exact: true }).fill("Forged shop");
    await form.getByLabel("Address").fill("1 Forgery Lane");
    await form.locator('input[name="_csrf"]').evaluate((el) => el.remove());
    await form.getByRole("button", { name: "Add shop" }).click();
    await page.waitForLoadState();
    assert(/out of date or not ours/.test(await page.content()), "no refusal shown");
    const shops = (await api("GET", "/api/v1/shops?limit=1000")).json.items;
    assert(!shops.some((s) => s.name === "Forged shop"), "the forged shop was created");
  });

  await check(
    "a refused form stays on its page with the input kept and the error at the field",
    async () => {
      await page.goto(`${server.base}/admin/catalog`);
      await page.locator("summary", { hasText: "New product" }).click();
      const form = page.getByRole("form", { name: "New product" });
      await form.getByLabel("Name", { exact: true }).fill("Refused lamp");
      await form.getByLabel("Model").fill("RL-1");
      await form.getByLabel("Price").fill("12.345");
      await form.getByLabel("Release date").fill("2024-01-01");
      await form.getByRole("button", { name: "Add product" }).click();
      await page.waitForLoadState();
      const again = page.getByRole("form", { name: "New product" });
      assert(
        (await again.getByLabel("Name", { exact: true }).inputValue()) === "Refused lamp",
        "name lost",
      );
      assert((await again.getByLabel("Price").inputValue()) === "12.345", "price lost");
      const error = await again.locator("#price-error").textContent();
      assert(error && error.length > 0, "no error next to the price");
      assert(
        (await again.getByLabel("Price").getAttribute("aria-invalid")) === "true",
        "price not marked invalid",
      );
      await again.locator("#price-error").scrollIntoViewIfNeeded();
      await shot(page, "admin-form-error");
    },
  );

  await check(
    "a new API key is shown once; reloading neither shows it again nor makes another",
    async () => {
      const name = `Till ${Date.now().toString(36)}`;
      await page.goto(`${server.base}/admin/api-keys`);
      const form = page.getByRole("form", { name: "New key" });
      await form.getByLabel("Name", { exact: true }).fill(name);
      await form.getByLabel("reports:read").check();
      await form.getByRole("button", { name: "Create key" }).click();
      await page.waitForURL(`${server.base}/admin/api-keys`);
      const key = (await page.locator("[data-new-key]").textContent())?.trim() ?? "";
      assert(key.startsWith("re_"), `no key shown: ${key}`);
      await shot(page, "admin-key-created");
      await page.reload();
      assert((await page.locator("[data-new-key]").count()) === 0, "the key is shown again");
      const live = (await api("GET", "/api/v1/admin/api-keys?limit=1000")).json.items;
      assert(live.filter((k) => k.name === name).length === 1, "a reload made another key");
      const works = await api("GET", "/api/v1/reports/top-products", undefined, key);
      assert(works.status === 200, `the shown key → ${works.status}`);
    },
  );

  await check("an error page keeps the navigation and speaks to the person", async () => {
    const res = await page.goto(`${server.base}/admin/no-such-page`);
    assert(res?.status() === 404, `→ ${res?.status()}`);
    assert(await page.getByRole("navigation", { name: "Main" }).isVisible(), "no navigation");
    const text = await page.locator("main").textContent();
    assert(/There is no page at \/admin\/no-such-page/.test(text ?? ""), text ?? "");
    await shot(page, "admin-404");
  });

  await check("every admin page fits 1280 px, and 390 px without sideways scrolling", async () => {
    const pages = [
      "/admin",
      "/admin/companies",
      "/admin/orders",
      "/admin/robots",
      "/admin/outbox",
      "/admin/api-keys",
      "/admin/users",
      "/admin/catalog",
      "/admin/catalog/shops",
      "/admin/terminals",
      "/admin/archive",
      "/admin/fx-rates",
    ];
    const wide = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const p of pages) {
        await page.goto(`${server.base}${p}`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        if (overflow > 0) wide.push(`${p} at ${width}: ${overflow} px too wide`);
        // At 1 280 no column hides behind a table's own scrollbar (the Debt column did).
        const hidden = await page.evaluate(() =>
          [...document.querySelectorAll(".table-wrap")].map((w) => w.scrollWidth - w.clientWidth),
        );
        if (width === 1280 && hidden.some((h) => h > 0)) {
          wide.push(`${p} at 1280: a table scrolls sideways by ${Math.max(...hidden)} px`);
        }
        if (
          width === 390 &&
          [
            "/admin/companies",
            "/admin/users",
            "/admin/catalog",
            "/admin",
            "/admin/archive",
          ].includes(p)
        ) {
          await shot(page, `${p.slice(1).replaceAll("/", "-")}-390`);
        }
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    assert(wide.length === 0, wide.join("; "));
  });

  await check("every admin page renders, with labels, headings and table headers", async () => {
    for (const [pathName, name, heading] of [
      ["/admin/companies", "admin-companies-1280", "Companies"],
      ["/admin/robots", "admin-robots", "Robots"],
      ["/admin/api-keys", "admin-api-keys", "API keys"],
      ["/admin/users", "admin-users", "Users and roles"],
      ["/admin/orders", "admin-orders", "Orders"],
      ["/admin/catalog", null, "Catalog"],
      ["/admin/catalog/shops", "admin-shops", "Catalog"],
      ["/admin/outbox", null, "Outbox"],
      ["/admin", null, "Admin"],
      ["/admin/archive", null, "Archive"],
      ["/dashboard", null, "Sales dashboard"],
    ]) {
      const res = await page.goto(`${server.base}${pathName}`);
      assert(res?.ok(), `${pathName} → ${res?.status()}`);
      assert((await page.locator("h1").textContent()) === heading, `${pathName} heading`);
      if (name) await shot(page, name);
      const problems = await accessibilityProblems(page);
      assert(problems.length === 0, `${pathName}: ${problems.join("; ")}`);
    }
  });
}
