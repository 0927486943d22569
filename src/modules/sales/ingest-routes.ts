import { z } from "@hono/zod-openapi";
import { DomainError, type FieldError, HttpError } from "../../lib/errors";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import { fieldErrors } from "../../platform/http/validation";
import {
  batchResultSchema,
  batchSchema,
  saleAcceptedSchema,
  saleIdSchema,
  saleSchema,
} from "./dto";
import { appendSales, prepareSales, type SaleRequest, withSaleId } from "./ingest";

const tags = ["Sales"];
const writer = guards.scopes("sales:write");

export const ingestRoutes = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/sales",
      operationId: "recordSale",
      guard: writer,
      tags,
      summary: "Record one sale",
      description:
        "202 means the sale is durably stored. A retry with the same `id` (or `Idempotency-Key`) for the same shop answers " +
        "`duplicate` and is counted once; ids are scoped to the shop. The unit price is the catalog price when the sale is accepted. " +
        "A `sales:write` key posts for its own shop only (403 otherwise). The body may be gzip-compressed (`Content-Encoding: gzip`). " +
        "Bounds: prices are at most 1 000 000.00 and quantities 1..1000; every sum kept (a shop's month, a product's month, a day) stays below 10 000 000 000 000.00. " +
        "A sale that would cross a sum's bound is still acknowledged and kept, set aside in the dead letters (GET /api/v1/admin/sales/dead-letters) instead of counted.",
      request: {
        headers: z.object({ "idempotency-key": saleIdSchema.optional() }),
        body: jsonBody(saleSchema),
      },
      responses: { 202: jsonResponse(saleAcceptedSchema, "Stored"), 404: errors[404] },
    },
    async (c) => {
      const body = c.req.valid("json");
      const key = c.req.valid("header")["idempotency-key"];
      if (body.id !== undefined && key !== undefined && body.id !== key) {
        throw new HttpError("validation_failed", "The body id and the Idempotency-Key differ.", {
          errors: [{ path: "id", message: "must equal the Idempotency-Key header" }],
        });
      }
      const sale = withSaleId(body, body.id ?? key);
      const [prepared] = await prepareSales(c.var.ctx, [sale]);
      if (!prepared) throw new Error("nothing prepared");
      if (prepared instanceof DomainError) throw prepared;
      const [status] = await appendSales(c.env, [prepared]);
      return c.json({ id: sale.id, status: status ?? "accepted" }, 202);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/sales/batch",
      operationId: "recordSales",
      guard: writer,
      tags,
      summary: "Record up to 1000 sales",
      description:
        "Valid items are stored; invalid ones (bad fields, unknown product or shop, another shop's key) are listed in `rejected` by index and change nothing. " +
        "The body may be gzip-compressed (`Content-Encoding: gzip`); the 1 MiB limit applies to the decompressed body.",
      request: { body: jsonBody(batchSchema) },
      responses: { 202: jsonResponse(batchResultSchema, "Stored") },
    },
    async (c) => {
      const { sales } = c.req.valid("json");
      const rejected: { index: number; errors: FieldError[] }[] = [];
      const valid: { index: number; input: SaleRequest }[] = [];
      sales.forEach((item, index) => {
        const parsed = saleSchema.safeParse(item);
        if (parsed.success) valid.push({ index, input: withSaleId(parsed.data, parsed.data.id) });
        else rejected.push({ index, errors: fieldErrors(parsed.error, ["sales", index]) });
      });
      const prepared = await prepareSales(
        c.var.ctx,
        valid.map((v) => v.input),
      );
      const toAppend = [];
      for (const [i, p] of prepared.entries()) {
        const index = valid[i]?.index ?? -1;
        if (p instanceof DomainError) {
          const errs = p.errors.map((e) => ({
            path: `sales[${index}].${e.path}`,
            message: e.message,
          }));
          rejected.push({ index, errors: errs });
        } else toAppend.push(p);
      }
      const statuses = toAppend.length > 0 ? await appendSales(c.env, toAppend) : [];
      rejected.sort((a, b) => a.index - b.index);
      return c.json(
        {
          accepted: statuses.filter((s) => s === "accepted").length,
          duplicates: statuses.filter((s) => s === "duplicate").length,
          rejected,
        },
        202,
      );
    },
  ),
];
