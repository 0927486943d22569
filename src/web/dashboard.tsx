import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { hhmmOf } from "../lib/business-day";
import { HttpError } from "../lib/errors";
import { idParams } from "../lib/ids";
import { seesShop, visibleShops } from "../lib/principal";
import { catalogSnapshot } from "../modules/catalog";
import {
  dashboardView,
  rankingsStub,
  reportingCurrency,
  terminalsOverview,
  WATCHED_SHOPS_HEADER,
} from "../modules/sales";
import { guards } from "../platform/http/guards";
import { Charts, type Shown } from "./dashboard-charts";
import {
  dashboardQuery,
  PRESETS,
  type ResolvedRange,
  rangeSearch,
  resolveRange,
  shopRangeQuery,
  visibleShop,
} from "./dashboard-range";
import { Layout } from "./layout";
import { page, pageContext } from "./page";

const reader = guards.scopes("reports:read");
const shopQuery = dashboardQuery;

/** The range picker: presets as links, a custom range and the interval as a plain GET form. */
function RangePicker({ range, action }: { range: ResolvedRange; action: string }) {
  return (
    <div class="range">
      <nav class="presets" aria-label="Range">
        {Object.entries(PRESETS).map(([key, label]) => (
          <a
            href={`${action}?preset=${key}${range.currency ? `&currency=${range.currency}` : ""}`}
            aria-current={range.preset === key ? "true" : undefined}
            data-preset={key}
          >
            {label}
          </a>
        ))}
      </nav>
      <form method="get" action={action} class="inline">
        {range.currency && <input type="hidden" name="currency" value={range.currency} />}
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
          <select name="interval" aria-label="By">
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
  const [view, terminals, catalog] = await Promise.all([
    dashboardView(ctx, { ...range, shopId, currency: reportingCurrency(ctx, range.currency) }),
    terminalsOverview(ctx),
    catalogSnapshot(ctx.db),
  ]);
  // Shops whose figures are not complete yet: a terminal is behind (the admin's terminals page).
  const behind = terminals
    .filter((t) => t.behind && (shopId === null || t.shopId === shopId))
    .filter((t) => seesShop(ctx.principal, t.shopId))
    .map((t) => ({ ...t, shop: catalog.shops.get(t.shopId) }));
  // One shop's figures are in its currency, the chain's in the reporting currency.
  const currency = view.report.currency;
  return { range, view, currency, shopId, behind, now: ctx.clock().getTime() };
}

function Live({ data, fragment, children }: { data: Shown; fragment: string; children?: unknown }) {
  return (
    <>
      <p class="live-line">
        <span class="live-status" data-live-status aria-live="polite">
          static page
        </span>{" "}
        <span class="muted">
          Last update:{" "}
          <time data-updated dateTime={new Date().toISOString()}>
            {new Date().toISOString().slice(11, 19)} UTC
          </time>
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
  `Figures in ${currency}. Days are business days in each shop's local time (its time zone and day start); net = gross − discounts − refunds; a refund counts on the day it was made.`;

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
      // A manager's dashboard says whose figures these are (docs/API.md#managers).
      const shops = visibleShops(c.var.ctx.principal);
      const catalog = await catalogSnapshot(c.var.ctx.db);
      const bound =
        shops?.map((id) => catalog.shops.get(id)?.name ?? `shop ${id}`).join(", ") ?? null;
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
            {bound !== null && <span data-bound-shops> Your shops only: {bound}.</span>}
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
      const shop = await visibleShop(c.var.ctx, id);
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
          <p>
            <a href={`/dashboard/shops/${id}/receipts`} data-receipts-link>
              Receipts of a business day →
            </a>
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
      return c.html(<Charts {...(await shown(c, query, query.shop_id ?? null))} />);
    },
  ),
  // The live channel: the upgrade goes to the Rankings object, which hibernates between changes.
  page(
    { method: "get", path: "/dashboard/live", name: "dashboardLive", guard: reader },
    async (c) => {
      // A page of another origin (another port of the same site, too) must not open the live
      // channel with the owner's cookie: only this origin's pages may.
      if (c.req.header("origin") !== new URL(c.req.url).origin) {
        throw new HttpError("forbidden", "The live channel is for this site's own pages.");
      }
      // The object tells this watcher only of its shops' changes; the header is always ours.
      const headers = new Headers(c.req.raw.headers);
      headers.set(WATCHED_SHOPS_HEADER, JSON.stringify(visibleShops(c.var.ctx.principal)));
      const upgraded = await rankingsStub(c.env).fetch(new Request(c.req.raw, { headers }));
      // A fresh Response: the object's has immutable headers, and middleware adds to them.
      return new Response(upgraded.body, {
        status: upgraded.status,
        headers: upgraded.headers,
        webSocket: upgraded.webSocket,
      });
    },
  ),
];

export { shown };
