// /docs as a client developer uses it, with every request off this machine refused: Swagger UI
// loads from the Worker, takes a bearer token and runs a report with "Try it out".

export async function docsFlows(page, { check, assert, shot, server }) {
  await check(
    "/docs renders offline, authorizes with a bearer token and runs a report",
    async () => {
      const outside = [];
      await page.context().route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => {
        outside.push(route.request().url());
        return route.abort();
      });
      await page.goto(`${server.base}/docs`);
      await page.locator(".swagger-ui .info .title", { hasText: "Retail Edge API" }).waitFor();
      await shot(page, "docs");
      await page.locator(".swagger-ui .auth-wrapper button.authorize").click();
      await page
        .locator(".modal-ux input[type=text], .modal-ux input[type=password]")
        .first()
        .fill(server.adminToken);
      await page.locator(".modal-ux button.authorize").click();
      await page.locator(".modal-ux button.btn-done, .modal-ux .close-modal").first().click();
      const operation = page.locator("#operations-Reports-topShops");
      await operation.locator(".opblock-summary").click();
      await operation.getByRole("button", { name: "Try it out" }).click();
      await operation.getByRole("button", { name: "Execute" }).click();
      const status = operation.locator(".live-responses-table tbody .response-col_status").first();
      await status.waitFor({ timeout: 10_000 });
      const code = (await status.textContent())?.trim();
      assert(code === "200", `Try it out answered ${code}`);
      // Both forms of a sale, from the examples the document offers.
      const sale = page.locator("#operations-Sales-recordSale");
      await sale.locator(".opblock-summary").click();
      await sale.getByRole("button", { name: "Try it out" }).click();
      for (const example of ["receipt", "oneLine"]) {
        await sale
          .locator("select.examples-select__select, .examples-select select")
          .first()
          .selectOption(example);
        await sale.getByRole("button", { name: "Execute" }).click();
        const answer = sale.locator(".live-responses-table tbody .response-col_status").first();
        await answer.waitFor({ timeout: 10_000 });
        const got = (await answer.textContent())?.trim();
        assert(got === "202", `the ${example} example answered ${got}`);
        await sale.getByRole("button", { name: "Clear" }).click();
      }
      assert(outside.length === 0, `requests left the machine: ${outside.join(", ")}`);
    },
  );
}
