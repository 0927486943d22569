import { z } from "@hono/zod-openapi";
import { HttpError } from "../../../lib/errors";
import { guards } from "../../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { SALE_ID_PATTERN } from "../core/wire";
import {
  batchResultSchema,
  batchSchema,
  refundSchema,
  saleAcceptedSchema,
  saleSchema,
} from "./dto";
import { withSaleId } from "./prepare";
import { storeBatch, storeOne } from "./submit";

// What /docs offers in "Try it out": both forms of a sale, and refunds by line and whole.
const SALE_EXAMPLES = {
  receipt: {
    summary: "A receipt of three lines: a line discount, a basket discount, tax and the checksum",
    value: {
      id: "DOCS-R-1",
      shop_id: 1,
      lines: [
        { product_id: 1, quantity: 2, unit_price: 99.9, discount: 10, tax: 37.96 },
        { product_id: 2, unit_price: 45, tax: 9 },
        { product_id: 3, unit_price: 12.5, tax: 2.5 },
      ],
      discount: 5,
      total: 291.76,
    },
  },
  oneLine: {
    summary: "The one-line form: one product at the catalog price",
    value: { id: "DOCS-S-1", shop_id: 1, product_id: 1, quantity: 2 },
  },
};
const REFUND_EXAMPLES = {
  lines: {
    summary: "One unit of the receipt's first line",
    value: { id: "DOCS-F-1", shop_id: 1, sale_id: "DOCS-R-1", lines: [{ line: 1, quantity: 1 }] },
  },
  whole: {
    summary: "All that is left of a receipt",
    value: { id: "DOCS-F-2", shop_id: 1, sale_id: "DOCS-S-1" },
  },
};

// The header's own schema, without the id's example: "Try it out" would send that example beside
// a body that carries its own id, and the two would differ (a 400).
const idempotencyKeySchema = z
  .string()
  .regex(new RegExp(SALE_ID_PATTERN), "1..64 of A-Z a-z 0-9 _ . -")
  .openapi({ pattern: SALE_ID_PATTERN, description: "The sale's id, when the body has none" });

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
      summary: "Record one sale: a receipt of lines, or one line",
      description:
        "A sale is a receipt (docs/API.md#receipts): 1..100 `lines` with the price charged (`unit_price`, default the catalog price when it is accepted), " +
        "a line `discount` and `tax`, a receipt `discount` spread over the lines to the minor unit, and an optional checksum `total`; or the one-line form " +
        "`product_id` + `quantity` at the catalog price. 202 means the receipt is durably stored, all its lines or none. A retry with the same `id` (or `Idempotency-Key`) for the same shop answers " +
        "`duplicate` and is counted once; ids are scoped to the shop. The same id with another body (lines, discounts, tax, or a `sold_at` sent) " +
        "is a 409 `idempotency_key_reused` whose `stored` member is the transaction the id names. " +
        "A `sales:write` key posts for its own shop only (403 otherwise). The body may be gzip-compressed (`Content-Encoding: gzip`). " +
        "Bounds: prices are at most 1 000 000.00 and quantities 1..1000; every sum kept (a shop's, a product's or a shop's product's business day) stays below 10 000 000 000 000.00. " +
        "A sale that would cross a sum's bound is still acknowledged and kept, set aside in the dead letters (GET /api/v1/admin/sales/dead-letters) instead of counted.",
      request: {
        headers: z.object({ "idempotency-key": idempotencyKeySchema.optional() }),
        body: jsonBody(saleSchema, undefined, SALE_EXAMPLES),
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
      summary: "Refund lines of a receipt, or all of it",
      description:
        "202 means the refund is durably stored; `(shop_id, id)` makes a retry answer `duplicate`, counted once. " +
        "`lines` names receipt lines (from 1) with quantities (default all that is left of each); without `lines`, the whole receipt, or " +
        "`quantity` of a one-line receipt. A line refund returns its share of the line's net and tax, rounded so that a line refunded in parts " +
        "returns exactly its net and tax (docs/API.md#refunds). A refund counts on its own business day; the receipt's gross stays on its day. " +
        "404: the shop has no such receipt; 409: more than is left of a line (the answer names what is left of every line; concurrent refunds " +
        "never exceed a line); 400: a line the receipt lacks, `quantity` on a receipt of several lines, or `refunded_at` before the sale.",
      request: { body: jsonBody(refundSchema, undefined, REFUND_EXAMPLES) },
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
