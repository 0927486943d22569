import { z } from "@hono/zod-openapi";
import { HttpError } from "../../../lib/errors";
import { guards } from "../../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { saleIdSchema } from "../core/wire";
import {
  batchResultSchema,
  batchSchema,
  refundSchema,
  saleAcceptedSchema,
  saleSchema,
} from "./dto";
import { withSaleId } from "./prepare";
import { storeBatch, storeOne } from "./submit";

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
        "`duplicate` and is counted once; ids are scoped to the shop. The same id with another body (product, quantity, or a `sold_at` sent) " +
        "is a 409 `idempotency_key_reused` whose `stored` member is the transaction the id names. The unit price is the catalog price when the sale is accepted. " +
        "A `sales:write` key posts for its own shop only (403 otherwise). The body may be gzip-compressed (`Content-Encoding: gzip`). " +
        "Bounds: prices are at most 1 000 000.00 and quantities 1..1000; every sum kept (a shop's, a product's or a shop's product's business day) stays below 10 000 000 000 000.00. " +
        "A sale that would cross a sum's bound is still acknowledged and kept, set aside in the dead letters (GET /api/v1/admin/sales/dead-letters) instead of counted.",
      request: {
        headers: z.object({ "idempotency-key": saleIdSchema.optional() }),
        body: jsonBody(saleSchema),
      },
      responses: {
        202: jsonResponse(saleAcceptedSchema, "Stored"),
        404: errors[404],
        409: errors[409],
      },
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
      const status = await storeOne(c, { type: "sale", input: sale });
      return c.json({ id: sale.id, status }, 202);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/refunds",
      operationId: "recordRefund",
      guard: writer,
      tags,
      summary: "Refund (part of) a sale",
      description:
        "202 means the refund is durably stored; `(shop_id, id)` makes a retry answer `duplicate`, counted once. " +
        "The amount is the sale's unit price × quantity (default: all that is left). A refund counts on its own " +
        "business day; the sale's gross stays on the sale's day. 404: the shop has no such sale; 409: more than is " +
        "left (the answer names what is left; concurrent refunds of one sale never exceed it); 400: `refunded_at` before the sale.",
      request: { body: jsonBody(refundSchema) },
      responses: {
        202: jsonResponse(saleAcceptedSchema, "Stored"),
        404: errors[404],
        409: errors[409],
      },
    },
    async (c) => {
      const body = c.req.valid("json");
      const status = await storeOne(c, { type: "refund", input: body });
      return c.json({ id: body.id, status }, 202);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/sales/batch",
      operationId: "recordSales",
      guard: writer,
      tags,
      summary: "Record up to 1000 sales and refunds",
      description:
        "Valid items are stored; invalid ones (bad fields, unknown product or shop, another shop's key, a refund of an unknown sale " +
        "or of more than is left) are listed in `rejected` by index and change nothing. Items apply in order: a refund may follow its sale in the same batch. " +
        "`results` answers every item in order (`accepted`, `duplicate` or `rejected` with its errors, and its id: a sale sent " +
        "without one gets the server's). An `Idempotency-Key` header is a 400: a batch is retried safely by its items' ids. " +
        "The body may be gzip-compressed (`Content-Encoding: gzip`); the 1 MiB limit applies to the decompressed body.",
      request: { body: jsonBody(batchSchema) },
      responses: { 202: jsonResponse(batchResultSchema, "Stored") },
    },
    async (c) => {
      if (c.req.header("idempotency-key") !== undefined) {
        throw new HttpError("validation_failed", "A batch takes no Idempotency-Key.", {
          errors: [
            {
              path: "Idempotency-Key",
              message: "a batch is retried safely by its items' ids; send none on a batch",
            },
          ],
        });
      }
      return c.json(await storeBatch(c, c.req.valid("json").sales), 202);
    },
  ),
];
