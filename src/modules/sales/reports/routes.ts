import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../../../env";
import { daysBetween } from "../../../lib/business-day";
import { idSchema } from "../../../lib/ids";
import { currencySchema } from "../../../lib/money";
import { visibleShops } from "../../../lib/principal";
import { guards } from "../../../platform/http/guards";
import { jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { reportingCurrency } from "./chain";
import {
  dateSchema,
  monthSchema,
  salesReportSchema,
  topProductsSchema,
  topShopsSchema,
} from "./dto";
import { currentMonth, rebuildRankings, topProducts, topShops } from "./month-reports";
import { type DateRange, salesReport, topProductsInRange, topShopsInRange } from "./range-reports";

/** The longest range a report covers, in business days. */
export const MAX_RANGE_DAYS = 366;

const rangeIssue = (from: string, to: string): string | null => {
  if (to < from) return "must not be before `from`";
  return daysBetween(from, to) > MAX_RANGE_DAYS ? `at most ${MAX_RANGE_DAYS} days` : null;
};

/** `from` and `to` (both business dates, both included), at most 366 days. */
export const rangeFields = {
  from: dateSchema.openapi({ description: "First business day, YYYY-MM-DD" }),
  to: dateSchema.openapi({ description: "Last business day, YYYY-MM-DD (≤ 366 days)" }),
};

/** `?currency=`: the reporting currency of this answer (figures over several shops). */
const currencyField = {
  currency: currencySchema.optional().openapi({
    example: "EUR",
    description:
      "The currency of figures over several shops (default `REPORTING_CURRENCY`), converted per business day at that day's rate; one shop's figures stay in its own",
  }),
};

/** `month`, or `from` with `to`; never both. */
const periodFields = {
  ...currencyField,
  month: monthSchema.optional(),
  from: rangeFields.from.optional(),
  to: rangeFields.to.optional(),
};
function checkPeriod(q: { month?: string; from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (q.month !== undefined && (q.from !== undefined || q.to !== undefined))
    ctx.addIssue({
      code: "custom",
      path: ["month"],
      message: "give `month` or `from`/`to`, not both",
    });
  if ((q.from === undefined) !== (q.to === undefined))
    ctx.addIssue({
      code: "custom",
      path: [q.from === undefined ? "from" : "to"],
      message: "`from` and `to` go together",
    });
  if (q.from !== undefined && q.to !== undefined) {
    const issue = rangeIssue(q.from, q.to);
    if (issue) ctx.addIssue({ code: "custom", path: ["to"], message: issue });
  }
}

const periodQuery = z.object(periodFields).superRefine(checkPeriod);

const productsQuery = z
  .object({
    ...periodFields,
    by: z
      .enum(["quantity", "net"])
      .default("quantity")
      .openapi({ description: "Rank by net quantity (default) or by net revenue" }),
  })
  .superRefine(checkPeriod);

const rangeOf = (q: { from?: string; to?: string }): DateRange | null =>
  q.from !== undefined && q.to !== undefined ? { from: q.from, to: q.to } : null;

export const salesQuerySchema = z
  .object({
    from: rangeFields.from.openapi({ example: "2026-11-01" }),
    to: rangeFields.to.openapi({ example: "2026-11-30" }),
    interval: z.enum(["day", "week", "month"]).default("day"),
    shop_id: idSchema.optional(),
    product_id: idSchema.optional(),
    ...currencyField,
  })
  .superRefine((q, ctx) => {
    const issue = rangeIssue(q.from, q.to);
    if (issue) ctx.addIssue({ code: "custom", path: ["to"], message: issue });
  });

// Reports are read-mostly and identical for every reader: a short shared cache in front of
// the Rankings object (at most 1 s keeps reports within the 2 s staleness bound), and ETags.
async function cachedReport<T>(
  c: Context<AppEnv>,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const ttl = c.var.ctx.config.REPORT_CACHE_SECONDS;
  c.header("cache-control", `private, max-age=${ttl}`);
  if (ttl === 0) return compute();
  // Readers bound to some shops get answers of their own (docs/API.md#managers).
  const scope = visibleShops(c.var.ctx.principal)?.join(",") ?? "all";
  const cacheKey = new Request(`https://reports.retail-edge.internal/${scope}/${key}`);
  const hit = await caches.default.match(cacheKey);
  if (hit) return hit.json<T>();
  const value = await compute();
  c.executionCtx.waitUntil(
    caches.default.put(
      cacheKey,
      new Response(JSON.stringify(value), {
        headers: { "content-type": "application/json", "cache-control": `max-age=${ttl}` },
      }),
    ),
  );
  return value;
}

const tags = ["Reports"];
const reader = guards.scopes("reports:read");
const etagHeader = {
  ETag: {
    description: "Answer If-None-Match with it: 304 while unchanged",
    schema: { type: "string" as const },
  },
};

export const reportRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/reports/top-shops",
      operationId: "topShops",
      guard: reader,
      after: [etag()],
      tags,
      summary: "Top 10 shops by net revenue in a business month or a range",
      description:
        "Net revenue = Σ quantity × unit price charged − discounts − net refunded, counted on each shop's business days (its time zone and day start). " +
        "Net desc, ties by shop_id asc; shops with no transaction in the period are left out. `month` (default: the current UTC month) " +
        "comes from the live counters and includes every acknowledged transaction within 2 s; `from`/`to` (≤ 366 days) from the day rollups.",
      request: { query: periodQuery },
      responses: {
        200: { ...jsonResponse(topShopsSchema, "The ranking"), headers: etagHeader },
        304: { description: "Not modified since the ETag sent", headers: etagHeader },
      },
    },
    async (c) => {
      const query = c.req.valid("query");
      const range = rangeOf(query);
      const currency = reportingCurrency(c.var.ctx, query.currency);
      if (range) {
        const key = `top-shops/${currency}/${range.from}/${range.to}`;
        return c.json(
          await cachedReport(c, key, () => topShopsInRange(c.var.ctx, range, currency)),
          200,
        );
      }
      const month = query.month ?? currentMonth(c.var.ctx.clock());
      const body = await cachedReport(c, `top-shops/${currency}/${month}`, () =>
        topShops(c.var.ctx, month, currency),
      );
      return c.json(body, 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/reports/top-products",
      operationId: "topProducts",
      guard: reader,
      after: [etag()],
      tags,
      summary:
        "Top 10 products by net quantity (or net revenue), in a business month, a range or all time",
      description:
        "Net quantity = items sold − items refunded, on the shops' business days; `?by=net` ranks by net revenue " +
        "(gross − discounts − refunds) instead. Desc, ties by product_id asc. Each item carries its quantity, gross, discounts and net. " +
        "Without `month` or `from`/`to`: all time.",
      request: { query: productsQuery },
      responses: {
        200: { ...jsonResponse(topProductsSchema, "The ranking"), headers: etagHeader },
        304: { description: "Not modified since the ETag sent", headers: etagHeader },
      },
    },
    async (c) => {
      const query = c.req.valid("query");
      const range = rangeOf(query);
      const currency = reportingCurrency(c.var.ctx, query.currency);
      if (range) {
        const key = `top-products/${currency}/${query.by}/${range.from}/${range.to}`;
        return c.json(
          await cachedReport(c, key, () =>
            topProductsInRange(c.var.ctx, range, currency, query.by),
          ),
          200,
        );
      }
      const month = query.month ?? null;
      const key = `top-products/${currency}/${query.by}/${month ?? "all"}`;
      const body = await cachedReport(c, key, () =>
        topProducts(c.var.ctx, month, currency, query.by),
      );
      return c.json(body, 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/reports/sales",
      operationId: "salesReport",
      guard: reader,
      after: [etag()],
      tags,
      summary: "Gross, refunds and net over a range of business days",
      description:
        "Figures per `day`, ISO `week` (periods named by their Monday) or `month` (YYYY-MM) over [from, to] (≤ 366 business days), " +
        "optionally for one shop and/or one product; edge periods count only their days inside the range. " +
        "net = gross − refunds; a sale counts on its business day, a refund on its own. `previous` is the period of equal length just before. " +
        "`as_of`: every transaction acknowledged before it is included. Reads day rollups, never the transactions.",
      request: { query: salesQuerySchema },
      responses: {
        200: { ...jsonResponse(salesReportSchema, "The report"), headers: etagHeader },
        304: { description: "Not modified since the ETag sent", headers: etagHeader },
      },
    },
    async (c) => {
      const q = c.req.valid("query");
      const query = {
        from: q.from,
        to: q.to,
        interval: q.interval,
        shopId: q.shop_id ?? null,
        productId: q.product_id ?? null,
        currency: reportingCurrency(c.var.ctx, q.currency),
      };
      const key = `sales/${query.currency}/${q.from}/${q.to}/${q.interval}/${query.shopId}/${query.productId}`;
      return c.json(await cachedReport(c, key, () => salesReport(c.var.ctx, query)), 200);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/rankings/rebuild",
      operationId: "rebuildRankings",
      guard: guards.admin,
      tags: ["Sales"],
      summary: "Rebuild the top-10 rankings from the D1 rollups",
      description: "For after a loss of the Rankings object's storage; safe at any time.",
      responses: {
        200: jsonResponse(
          z.object({
            shops: z.number().int(),
            products: z.number().int(),
            reapplied: z.number().int(),
          }),
          "Rollup rows loaded",
        ),
      },
    },
    async (c) => c.json(await rebuildRankings(c.var.ctx), 200),
  ),
];
