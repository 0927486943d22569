// The accessibility basics every page keeps: one h1, a name for every control and image,
// headers in every table, and the skip link first in the keyboard order.
export async function accessibilityProblems(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    if (document.querySelectorAll("h1").length !== 1) out.push("not exactly one h1");
    for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
      const named =
        el.labels?.length > 0 ||
        el.getAttribute("aria-label") ||
        el.getAttribute("aria-labelledby");
      if (!named)
        out.push(`unlabelled ${el.tagName.toLowerCase()} ${el.getAttribute("name") ?? ""}`);
    }
    for (const el of document.querySelectorAll("button")) {
      if (!(el.textContent.trim() || el.getAttribute("aria-label")))
        out.push("a button without a name");
    }
    for (const img of document.querySelectorAll("img"))
      if (!img.alt) out.push(`an image without alt: ${img.src}`);
    for (const svg of document.querySelectorAll("svg.chart"))
      if (!svg.getAttribute("aria-label")) out.push("a chart without a label");
    for (const table of document.querySelectorAll("table"))
      if (!table.querySelector("th")) out.push("a table without headers");
    if (!document.documentElement.lang) out.push("no lang on <html>");
    return out;
  });
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement?.className ?? "");
  if (first !== "skip") problems.push(`the first Tab stop is "${first}", not the skip link`);
  return problems;
}
