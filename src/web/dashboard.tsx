import { z } from "@hono/zod-openapi";
import {
  currentMonth,
  type DashboardMonth,
  dashboardMonth,
  monthSchema,
  rankingsStub,
} from "../modules/sales";
import { guards } from "../platform/http/guards";
import { BarChart, DayChart } from "./charts";
import { Layout, money } from "./layout";
import { page, pageContext } from "./page";

const reader = guards.scopes("reports:read");
const monthQuery = z.object({ month: monthSchema.optional() });

function daysIn(month: string): number {
  const [year, m] = month.split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, m ?? 1, 0)).getUTCDate();
}

/** The part of the dashboard that changes with the data: totals and the three charts. */
export function Charts({ data }: { data: DashboardMonth }) {
  return (
    <>
      <div class="cards">
        <div class="card">
          Revenue in {data.month}
          <span class="figure" data-total-revenue={String(data.revenueMinor)}>
            {money(data.revenueMinor)}
          </span>
        </div>
        <div class="card">
          Items sold
          <span class="figure" data-total-quantity={String(data.quantity)}>
            {data.quantity.toLocaleString("en-US")}
          </span>
        </div>
        <div class="card">
          Days with sales
          <span class="figure">{data.days.length}</span>
        </div>
      </div>
      <div class="grid-2">
        <section class="panel" aria-labelledby="top-shops">
          <h2 id="top-shops">Top 10 shops by revenue</h2>
          <BarChart
            title={`Top 10 shops by revenue, ${data.month}`}
            bars={data.shops.map((s) => ({
              id: `shop-${s.shopId}`,
              label: s.address || `Shop ${s.shopId}`,
              value: s.revenueMinor / 100,
              shown: money(s.revenueMinor),
            }))}
          />
        </section>
        <section class="panel" aria-labelledby="top-products">
          <h2 id="top-products">Top 10 products by quantity</h2>
          <BarChart
            title={`Top 10 products by quantity, ${data.month}`}
            bars={data.products.map((p) => ({
              id: `product-${p.productId}`,
              label: p.name || `Product ${p.productId}`,
              value: p.quantity,
              shown: p.quantity.toLocaleString("en-US"),
            }))}
          />
        </section>
      </div>
      <section class="panel" aria-labelledby="per-day">
        <h2 id="per-day">Revenue per day</h2>
        <DayChart
          title={`Revenue per day, ${data.month}`}
          daysInMonth={daysIn(data.month)}
          values={new Map(data.days.map((d) => [d.day, d.revenueMinor / 100]))}
          shown={(v) => money(Math.round(v * 100))}
        />
      </section>
    </>
  );
}

export const dashboardPages = [
  page(
    {
      method: "get",
      path: "/dashboard",
      name: "dashboard",
      guard: reader,
      request: { query: monthQuery },
    },
    async (c) => {
      const ctx = c.var.ctx;
      const month = c.req.valid("query").month ?? currentMonth(ctx.clock());
      const data = await dashboardMonth(ctx, month);
      return c.html(
        <Layout
          title="Sales dashboard"
          page={pageContext(c)}
          current="/dashboard"
          scripts={["/assets/dashboard.js"]}
        >
          <form method="get" action="/dashboard" class="inline">
            <label>
              Month
              <input type="month" name="month" value={month} required />
            </label>
            <button type="submit">Show</button>
            <p class="live-status" data-live-status aria-live="polite">
              static page
            </p>
            <p class="muted">
              Last update:{" "}
              <time data-updated>
                {new Date().toLocaleTimeString("en-GB", { timeZone: "UTC" })} UTC
              </time>
            </p>
          </form>
          <div data-live data-month={month}>
            <div data-charts>
              <Charts data={data} />
            </div>
          </div>
        </Layout>,
      );
    },
  ),
  page(
    {
      method: "get",
      path: "/dashboard/fragment",
      name: "dashboardFragment",
      guard: reader,
      request: { query: monthQuery },
    },
    async (c) => {
      const ctx = c.var.ctx;
      const month = c.req.valid("query").month ?? currentMonth(ctx.clock());
      c.header("cache-control", "no-store");
      return c.html(<Charts data={await dashboardMonth(ctx, month)} />);
    },
  ),
  // The live channel: the upgrade goes to the Rankings object, which hibernates between changes.
  page(
    { method: "get", path: "/dashboard/live", name: "dashboardLive", guard: reader },
    async (c) => {
      const upgraded = await rankingsStub(c.env).fetch(c.req.raw);
      // A fresh Response: the object's has immutable headers, and middleware adds to them.
      return new Response(upgraded.body, {
        status: upgraded.status,
        headers: upgraded.headers,
        webSocket: upgraded.webSocket,
      });
    },
  ),
];
