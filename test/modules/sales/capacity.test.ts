import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { capacityJob } from "../../../src/modules/sales";
import type { ServiceContext } from "../../../src/platform/context";
import { runScheduledJobNow } from "../../../src/platform/jobs/runner";
import { testContext } from "../../support/context";
import { admin, eventually, registerAndLogin } from "../../support/http";
import { createProduct, createShop, flush, postBatch } from "../../support/sales";

// D1's capacity (docs/ARCHIVE.md#d1s-capacity) as an operator reads it: the size D1 reports,
// rows per table, bytes per sale, the recent rate and the day it fills the limit; and the
// warning above 80 %, mailed to the admins once when it starts.

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function d1Size() {
  const { meta } = await env.DB.prepare("SELECT 1").run();
  return Number(meta.size_after);
}

/** The job run as Cron runs it, against a D1 limit of `limitBytes`. */
function runWithLimit(limitBytes: number) {
  const base = testContext();
  const ctx: ServiceContext = { ...base, config: { ...base.config, D1_LIMIT_BYTES: limitBytes } };
  return runScheduledJobNow(capacityJob, ctx);
}

async function outboxFor(to: string) {
  const res = await admin(`/api/v1/admin/outbox?to=${encodeURIComponent(to)}`);
  return res.json.items as { subject: string; text: string }[];
}

describe("D1's capacity", () => {
  it("reports D1's size, rows per table, bytes per sale and the day the recent rate fills it", async () => {
    const [product, shop] = await Promise.all([createProduct(4), createShop()]);
    const now = Date.now();
    // 35 sales spread over the last 7 full days: 5 a day more than before.
    const sales = Array.from({ length: 35 }, (_, i) => ({
      id: `CAP-${now}-${i}`,
      shop_id: shop.id,
      product_id: product.id,
      quantity: 1,
      sold_at: `${day(now - (1 + (i % 7)) * DAY_MS)}T12:00:00Z`,
    }));
    expect((await postBatch(sales)).rejected).toEqual([]);
    await flush();
    const run = await admin("/api/v1/admin/jobs/d1-capacity/run", { method: "POST" });
    expect(run.status).toBe(200);

    const res = await admin("/api/v1/admin/capacity");
    expect(res.status).toBe(200);
    const c = res.json;
    // Recomputed from D1 itself: its own size figure, its own counts, the rollups' sales.
    const counts: Record<string, number> = {};
    for (const table of ["sales", "refunds", "shop_day", "users", "d1_capacity"]) {
      const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
      counts[table] = row?.n ?? -1;
    }
    expect(c.rows.sales).toBe(counts.sales);
    expect(c.rows.refunds).toBe(counts.refunds);
    expect(c.rows.shop_day).toBe(counts.shop_day);
    expect(c.rows.users).toBe(counts.users);
    expect(Math.abs(c.size_bytes - (await d1Size()))).toBeLessThan(1_000_000);
    expect(c.limit_bytes).toBe(10_000_000_000);
    expect(c.percent).toBe(Math.round((c.size_bytes / c.limit_bytes) * 1000) / 10);
    expect(c.warning).toBe(false);
    const stored = await env.DB.prepare(
      "SELECT size_bytes AS size, sales FROM d1_capacity ORDER BY taken_at DESC LIMIT 1",
    ).first<{ size: number; sales: number }>();
    expect(c.bytes_per_sale).toBe(Math.round((stored?.size ?? 0) / (stored?.sales ?? 1)));

    const week = await env.DB.prepare(
      "SELECT sum(sales) AS n FROM shop_day WHERE day >= ?1 AND day < ?2",
    )
      .bind(day(now - 7 * DAY_MS), day(now))
      .first<{ n: number }>();
    expect(week?.n).toBeGreaterThanOrEqual(35);
    expect(c.sales_per_day).toBe(Math.round((week?.n ?? 0) / 7));
    const daysLeft = (c.limit_bytes - c.size_bytes) / (c.bytes_per_sale * ((week?.n ?? 0) / 7));
    const expected = Date.now() + Math.min(daysLeft, 36_500) * DAY_MS;
    expect(Math.abs(Date.parse(c.full_on) - expected)).toBeLessThanOrEqual(2 * DAY_MS);
  });

  it("warns once when D1 passes 80 %: a structured log line and a mail to every admin", async () => {
    const person = await registerAndLogin();
    const granted = await admin(`/api/v1/admin/users/${person.user.id}/role`, {
      method: "PUT",
      body: { role: "admin" },
    });
    expect(granted.status).toBe(200);
    const size = await d1Size();
    const warnings = vi.spyOn(console, "warn");
    try {
      // Below the line first, so this test does not depend on what ran before it.
      expect((await runWithLimit(size * 100)).result).toMatchObject({ warning_started: false });
      const first = await runWithLimit(Math.ceil(size / 0.9));
      expect(first.result).toMatchObject({ warning_started: true });
      const mail = await eventually(async () => {
        const items = await outboxFor(person.user.email);
        return items.find((m) => m.subject.includes("D1")) ? items : undefined;
      });
      const warned = mail.filter((m) => m.subject.includes("D1"));
      expect(warned).toHaveLength(1);
      expect(warned[0]?.text).toMatch(/\/admin\/archive/);
      const line = warnings.mock.calls
        .map(([text]) => JSON.parse(String(text)))
        .find((l) => l.event === "d1_capacity_warning");
      expect(line).toMatchObject({ level: "warn", event: "d1_capacity_warning" });
      expect(line.percent).toBeGreaterThanOrEqual(80);

      // Still above the line: no second mail. Below, then above again: a new one.
      expect((await runWithLimit(Math.ceil(size / 0.9))).result).toMatchObject({
        warning_started: false,
      });
      expect((await runWithLimit(size * 100)).result).toMatchObject({ warning_started: false });
      expect((await runWithLimit(Math.ceil(size / 0.85))).result).toMatchObject({
        warning_started: true,
      });
      await eventually(async () => {
        const items = await outboxFor(person.user.email);
        return items.filter((m) => m.subject.includes("D1")).length === 2 ? true : undefined;
      });
    } finally {
      warnings.mockRestore();
    }
  });
});
