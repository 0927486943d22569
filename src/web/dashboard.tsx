import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { hhmmOf } from "../lib/business-day";
import { idParams } from "../lib/ids";
import { getShop } from "../modules/catalog";
import {
  type DashboardView,
  dashboardView,
  type FiguresJson,
  figuresJson,
  netItems,
  netMinor,
  rankingsStub,
} from "../modules/sales";
import { guards } from "../platform/http/guards";
import { type Bar, BarChart, SeriesChart } from "./charts";
import {
  dashboardQuery,
  PRESETS,
  type ResolvedRange,
  rangeSearch,
  resolveRange,
  shopRangeQuery,
} from "./dashboard-range";
import { Layout, money, TableHead } from "./layout";
import { page, pageContext } from "./page";

const reader = guards.scopes("reports:read");
const shopQuery = dashboardQuery;

type Shown = { range: ResolvedRange; view: DashboardView; currency: string; shopId: number | null };

const fmt = (v: number) =>
  v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The change against the previous period, in words a reader takes in at a glance. */
function Change({ now, before }: { now: number; before: number }) {
  if (before === 0) {
    return <span class="change">{now === 0 ? "no change" : "new"} vs previous period</span>;
  }
  const pct = ((now - before) / Math.abs(before)) * 100;
  const sign = pct > 0 ? "+" : pct < 0 ? "−" : "±";
  return (
    <span class={`change ${pct >= 0 ? "up" : "down"}`}>
      {sign}
      {Math.abs(pct).toFixed(1)} % vs previous period
    </span>
  );
}

function Card(props: {
  label: string;
  name: keyof FiguresJson;
  totals: FiguresJson;
  previous: FiguresJson;
  unit: string;
}) {
  const value = props.totals[props.name];
  const money = props.name === "gross" || props.name === "refunds" || props.name === "net";
  return (
    <div class="card">
      {props.label}
      <span class="figure" data-figure={props.name} data-value={String(value)}>
        {money ? fmt(value) : value.toLocaleString("en-US")}
        {money && <small> {props.unit}</small>}
      </span>
      <Change now={value} before={props.previous[props.name]} />
    </div>
  );
}

const shopBars = (rows: DashboardView["topShops"], search: string): Bar[] =>
  rows.map((r) => ({
    id: `shop-${r.id}`,
    label: r.shop.name || `Shop ${r.id}`,
    hint: r.shop.address,
    href: `/dashboard/shops/${r.id}?${search}`,
    value: netMinor(r.figures) / 100,
    shown: money(netMinor(r.figures)),
  }));

const periodTick = (period: string, interval: string) =>
  interval === "month" ? period : period.slice(5);

/** The part of the dashboard that changes with the data: figures, charts, tables. */
export function Charts({ range, view, currency, shopId }: Shown) {
  const { report } = view;
  const search = rangeSearch(range);
  return (
    <>
      {report.rebuilding.length > 0 && (
        <p class="notice warn" role="status">
          Rebuilding business days of shop {report.rebuilding.join(", ")}: their figures move to the
          new days while this runs.
        </p>
      )}
      <div class="cards">
        <Card
          label="Gross"
          name="gross"
          totals={report.totals}
          previous={report.previous}
          unit={currency}
        />
        <Card
          label="Refunds"
          name="refunds"
          totals={report.totals}
          previous={report.previous}
          unit={currency}
        />
        <Card
          label="Net"
          name="net"
          totals={report.totals}
          previous={report.previous}
          unit={currency}
        />
        <Card
          label="Items sold"
          name="items_sold"
          totals={report.totals}
          previous={report.previous}
          unit={currency}
        />
      </div>
      <p class="muted">
        Previous period: {report.previous.from} – {report.previous.to}. Includes every transaction
        acknowledged before <time datetime={report.as_of}>{report.as_of.slice(11, 19)} UTC</time>.
      </p>
      <section class="panel" aria-labelledby="series">
        <h2 id="series">Net revenue by {range.interval}</h2>
        <SeriesChart
          title={`Net revenue by ${range.interval}, ${range.label}, ${currency}`}
          unit={currency}
          points={report.series.map((p) => ({
            label: p.period,
            tick: periodTick(p.period, range.interval),
            value: p.net,
            shown: `${fmt(p.net)} ${currency}`,
          }))}
        />
        <details>
          <summary>Figures by {range.interval}</summary>
          <div class="table-wrap">
            <table class="figures">
              <TableHead
                columns={[
                  range.interval === "week"
                    ? "Week of"
                    : range.interval === "month"
                      ? "Month"
                      : "Day",
                  { num: "Gross" },
                  { num: "Refunds" },
                  { num: "Net" },
                  { num: "Items" },
                ]}
              />
              <tbody>
                {report.series.map((p) => (
                  <tr data-period={p.period}>
                    <td>{p.period}</td>
                    <td class="num">{fmt(p.gross)}</td>
                    <td class="num">{fmt(p.refunds)}</td>
                    <td class="num">{fmt(p.net)}</td>
                    <td class="num">{p.items_sold - p.items_refunded}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
      {shopId === null ? (
        <div class="grid-2">
          <section class="panel" aria-labelledby="top-shops">
            <h2 id="top-shops">Top 10 shops by net ({currency})</h2>
            <BarChart
              title={`Top 10 shops by net revenue, ${range.label}`}
              bars={shopBars(view.topShops, search)}
            />
          </section>
          <section class="panel" aria-labelledby="bottom-shops">
            <h2 id="bottom-shops">Bottom 10 shops by net ({currency})</h2>
            <BarChart
              title={`Bottom 10 shops by net revenue, ${range.label}`}
              bars={shopBars(view.bottomShops, search)}
            />
          </section>
        </div>
      ) : (
        <section class="panel" aria-labelledby="weakest">
          <h2 id="weakest">Weakest days</h2>
          <div class="table-wrap">
            <table>
              <TableHead
                columns={["Business day", { num: "Gross" }, { num: "Refunds" }, { num: "Net" }]}
              />
              <tbody>
                {view.weakestDays.map((d) => (
                  <tr data-weak-day={d.period}>
                    <td>{d.period}</td>
                    <td class="num">{fmt(d.gross)}</td>
                    <td class="num">{fmt(d.refunds)}</td>
                    <td class="num">{fmt(d.net)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <section class="panel" aria-labelledby="top-products">
        <h2 id="top-products">Top 10 products by net quantity</h2>
        <BarChart
          title={`Top 10 products by net quantity, ${range.label}`}
          bars={view.topProducts.map((p) => ({
            id: `product-${p.id}`,
            label: p.name || `Product ${p.id}`,
            value: netItems(p.figures),
            shown: netItems(p.figures).toLocaleString("en-US"),
          }))}
        />
      </section>
    </>
  );
}

/** The range picker: presets as links, a custom range and the interval as a plain GET form. */
function RangePicker({ range, action }: { range: ResolvedRange; action: string }) {
  return (
    <div class="range">
      <nav class="presets" aria-label="Range">
        {Object.entries(PRESETS).map(([key, label]) => (
          <a
            href={`${action}?preset=${key}`}
            aria-current={range.preset === key ? "true" : undefined}
            data-preset={key}
          >
            {label}
          </a>
        ))}
      </nav>
      <form method="get" action={action} class="inline">
        <label>
          From
          <input type="date" name="from" value={range.from} required />
        </label>
        <label>
          To
          <input type="date" name="to" value={range.to} required />
        </label>
        <label>
          By
          <select name="interval">
            {(["day", "week", "month"] as const).map((i) => (
              <option value={i} selected={range.interval === i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
    </div>
  );
}

function Exports({ range, shopId }: { range: ResolvedRange; shopId: number | null }) {
  const search = rangeSearch(range, shopId === null ? {} : { shop_id: String(shopId) });
  return (
    <p class="exports">
      Export this view:{" "}
      <a href={`/dashboard/export.csv?${search}`} download>
        CSV
      </a>{" "}
      ·{" "}
      <a href={`/dashboard/export.xlsx?${search}`} download>
        Excel
      </a>
    </p>
  );
}

async function shown(
  c: Context<AppEnv>,
  query: z.infer<typeof dashboardQuery>,
  shopId: number | null,
): Promise<Shown> {
  const ctx = c.var.ctx;
  const range = resolveRange(query, ctx.clock(), ctx.config.DASHBOARD_TIME_ZONE);
  const view = await dashboardView(ctx, { ...range, shopId });
  return { range, view, currency: ctx.config.CURRENCY, shopId };
}

function Live({ data, fragment, children }: { data: Shown; fragment: string; children?: unknown }) {
  return (
    <>
      <p class="live-line">
        <span class="live-status" data-live-status aria-live="polite">
          static page
        </span>{" "}
        <span class="muted">
          Last update: <time data-updated>{new Date().toISOString().slice(11, 19)} UTC</time>
        </span>
      </p>
      <div data-live data-fragment={fragment}>
        <div data-charts>
          <Charts {...data} />
        </div>
      </div>
      {children}
    </>
  );
}

const rule = (currency: string) =>
  `Figures in ${currency}. Days are business days in each shop's local time (its time zone and day start); net = gross − refunds; a refund counts on the day it was made.`;

export const dashboardPages = [
  page(
    {
      method: "get",
      path: "/dashboard",
      name: "dashboard",
      guard: reader,
      request: { query: dashboardQuery },
    },
    async (c) => {
      const data = await shown(c, c.req.valid("query"), null);
      return c.html(
        <Layout
          title="Sales dashboard"
          page={pageContext(c)}
          current="/dashboard"
          scripts={["/assets/dashboard.js"]}
        >
          <RangePicker range={data.range} action="/dashboard" />
          <p class="muted rule">
            <strong>{data.range.label}</strong> · {rule(data.currency)}
          </p>
          <Exports range={data.range} shopId={null} />
          <Live data={data} fragment={`/dashboard/fragment?${rangeSearch(data.range)}`} />
        </Layout>,
      );
    },
  ),
  page(
    {
      method: "get",
      path: "/dashboard/shops/{id}",
      name: "dashboardShop",
      guard: reader,
      request: { params: idParams, query: shopQuery },
    },
    async (c) => {
      const id = c.req.valid("param").id;
      const shop = await getShop(c.var.ctx.db, id);
      const data = await shown(c, c.req.valid("query"), id);
      const action = `/dashboard/shops/${id}`;
      return c.html(
        <Layout
          title={shop.name}
          page={pageContext(c)}
          current="/dashboard"
          scripts={["/assets/dashboard.js"]}
        >
          <p class="muted">
            <a href={`/dashboard?${rangeSearch(data.range)}`}>← All shops</a> · {shop.address} ·
            time zone <strong data-zone>{shop.timeZone}</strong> · day starts at{" "}
            <strong data-day-start>{hhmmOf(shop.dayStartMinutes)}</strong>
          </p>
          <RangePicker range={data.range} action={action} />
          <p class="muted rule">
            <strong>{data.range.label}</strong> · {rule(data.currency)}
          </p>
          <Exports range={data.range} shopId={id} />
          <Live
            data={data}
            fragment={`/dashboard/fragment?${rangeSearch(data.range, { shop_id: String(id) })}`}
          />
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
      request: { query: shopRangeQuery },
    },
    async (c) => {
      const query = c.req.valid("query");
      c.header("cache-control", "no-store");
      return c.html(<Charts {...(await shown(c, query, query.shop_id ?? null))} />);
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

export { figuresJson, type Shown, shown };
