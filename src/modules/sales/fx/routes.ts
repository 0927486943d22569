import { z } from "@hono/zod-openapi";
import { currencyIssue, currencySchema } from "../../../lib/money";
import {
  decodeKeyCursor,
  encodeKeyCursor,
  pageQuerySchema,
  pageSchema,
} from "../../../lib/pagination";
import { guards } from "../../../platform/http/guards";
import { jsonBody, jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { listRates, putRates } from "./rates";

const tags = ["Exchange rates"];
const dateSchema = z.iso.date().openapi({ example: "2026-11-30" });

const rateSetSchema = z
  .object({
    date: z.string().openapi({ format: "date" }),
    base: z.string().openapi({ example: "EUR" }),
    rates: z.record(z.string(), z.number()).openapi({ example: { EUR: 1, RUB: 98.2, KZT: 545.1 } }),
  })
  .openapi("FxRateSet");

/** A set of rates: positive, finite, any currency against one base. */
export const putRatesSchema = z
  .strictObject({
    base: currencySchema.openapi({
      example: "EUR",
      description: "The currency the rates are per one of",
    }),
    rates: z
      .record(z.string(), z.number().positive().finite().max(1e12))
      .refine((r) => Object.keys(r).length > 0, { message: "at least one rate" })
      .openapi({
        type: "object",
        additionalProperties: { type: "number", exclusiveMinimum: 0 },
        example: { RUB: 98.2, KZT: 545.1, RSD: 117.1, JPY: 162.4 },
        description: "Units of each currency per one `base`",
      }),
  })
  .superRefine((b, ctx) => {
    for (const code of Object.keys(b.rates)) {
      const issue = currencyIssue(code);
      if (issue) ctx.addIssue({ code: "custom", path: ["rates", code], message: issue });
    }
    const own = b.rates[b.base];
    if (own !== undefined && own !== 1)
      ctx.addIssue({ code: "custom", path: ["rates", b.base], message: "the base is 1 of itself" });
  })
  .openapi("PutFxRates");

export const fxRoutes = [
  defineRoute(
    {
      method: "put",
      path: "/api/v1/admin/fx-rates/{date}",
      operationId: "putFxRates",
      guard: guards.admin,
      tags,
      summary: "Set the exchange rates of a date",
      description:
        "Replaces the date's rates with this set (docs/API.md#exchange-rates). Any base: a report derives every cross rate " +
        "from the set of its day. Reports over this date are restated at once; days after it without rates of their own use it.",
      request: {
        params: z.object({ date: dateSchema.openapi({ param: { name: "date", in: "path" } }) }),
        body: jsonBody(putRatesSchema),
      },
      responses: { 200: jsonResponse(rateSetSchema, "The date's rates") },
    },
    async (c) => {
      const { date } = c.req.valid("param");
      const body = c.req.valid("json");
      return c.json(await putRates(c.var.ctx, { date, ...body }), 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/fx-rates",
      operationId: "listFxRates",
      guard: guards.admin,
      tags,
      summary: "The exchange rates by date",
      description:
        "Every date that has rates (between `from` and `to` when given), oldest first, a page at a time.",
      request: {
        query: pageQuerySchema.extend({
          from: dateSchema.optional(),
          to: dateSchema.optional(),
        }),
      },
      responses: { 200: jsonResponse(pageSchema(rateSetSchema), "The rates by date") },
    },
    async (c) => {
      const q = c.req.valid("query");
      const page = await listRates(c.var.ctx, {
        from: q.from ?? "0000-01-01",
        to: q.to ?? "9999-12-31",
        after: decodeKeyCursor(q.cursor),
        limit: q.limit,
      });
      const next = page.more && page.last ? encodeKeyCursor(page.last) : null;
      return c.json({ items: page.items, next_cursor: next }, 200);
    },
  ),
];
