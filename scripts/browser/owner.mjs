// The owner's flows: sign-in errors, the seeded dashboard, live updates, the admin refused.

/** Waits until a product's bar in the top-10 chart shows `expected`. */
function barReaches(page, id, expected, options) {
  return page.waitForFunction(
    ({ id, expected }) =>
      Number(
        document
          .querySelector(`svg[aria-label^="Top 10 products"] g.bar[data-id="${id}"]`)
          ?.getAttribute("data-value"),
      ) === expected,
    { id, expected },
    options,
  );
}

export async function ownerFlows(page, { check, assert, api, shot, signIn, server }) {
  await check("a wrong password shows an error", async () => {
    await signIn(page, "owner", "not the password");
    const alert = await page.getByRole("alert").textContent();
    assert(/wrong password/i.test(alert ?? ""), `alert was ${alert}`);
    assert(page.url().endsWith("/login"), `still on the sign-in page, not ${page.url()}`);
    await shot(page, "login");
  });

  await check("the owner signs in and sees the seeded top-10s", async () => {
    await signIn(page, "owner");
    await page.waitForURL("**/dashboard");
    await page.locator('[data-live-status][data-state="live"]').waitFor({ timeout: 10_000 });
    const shops = await page.locator('svg[aria-label^="Top 10 shops"] g.bar').count();
    const products = await page.locator('svg[aria-label^="Top 10 products"] g.bar').count();
    assert(shops === 10 && products === 10, `bars: ${shops} shops, ${products} products`);
    await shot(page, "dashboard");
  });

  await check(
    "a sale posted through the API moves its bar within 2 s, without a reload",
    async () => {
      const bar = page.locator('svg[aria-label^="Top 10 products"] g.bar').first();
      const id = await bar.getAttribute("data-id");
      const before = Number(await bar.getAttribute("data-value"));
      const productId = Number(id?.replace("product-", ""));
      const shop = (await api("GET", "/api/v1/shops?limit=1")).json.items[0];
      await page.evaluate(() => {
        window.__sameDocument = true;
      });
      const posted = Date.now();
      const sale = await api("POST", "/api/v1/sales", {
        product_id: productId,
        shop_id: shop.id,
        quantity: 25,
      });
      assert(sale.status === 202, `sale → ${sale.status}`);
      await barReaches(page, id, before + 25, { timeout: 2000, polling: 50 });
      const sameDocument = await page.evaluate(() => window.__sameDocument === true);
      assert(sameDocument, "the page reloaded");
      console.log(`     the bar moved ${Date.now() - posted} ms after the 202`);
    },
  );

  await check(
    "without its WebSocket the dashboard says so and keeps current by polling",
    async () => {
      const offline = await page.context().newPage();
      await offline.routeWebSocket(/\/dashboard\/live/, (ws) => ws.close());
      await offline.goto(`${server.base}/dashboard`);
      await offline
        .locator('[data-live-status][data-state="reconnecting"]')
        .waitFor({ timeout: 5000 });
      const bar = offline.locator('svg[aria-label^="Top 10 products"] g.bar').first();
      const id = await bar.getAttribute("data-id");
      const before = Number(await bar.getAttribute("data-value"));
      const shop = (await api("GET", "/api/v1/shops?limit=1")).json.items[0];
      await api("POST", "/api/v1/sales", {
        product_id: Number(id?.replace("product-", "")),
        shop_id: shop.id,
        quantity: 3,
      });
      await barReaches(offline, id, before + 3, { timeout: 5000, polling: 100 });
      const updated = await offline.locator("[data-updated]").getAttribute("datetime");
      assert(updated && Date.now() - Date.parse(updated) < 10_000, `last update time ${updated}`);
      await offline.close();
    },
  );

  await check("the owner opening /admin gets a 403 page", async () => {
    const res = await page.goto(`${server.base}/admin/companies`);
    assert(res?.status() === 403, `status ${res?.status()}`);
    assert(/Not for this account/.test(await page.locator("h1").textContent()), "no 403 heading");
  });

  await check("sign out ends the session", async () => {
    await page.goto(`${server.base}/dashboard`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login");
    const again = await page.goto(`${server.base}/dashboard`);
    assert(page.url().includes("/login?next="), `after sign-out /dashboard went to ${page.url()}`);
    assert(again?.ok(), "the sign-in page loads");
  });
}
