import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { DomainError, type FieldError, HttpError, toHttpError } from "../../lib/errors";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import { fieldErrors } from "../../platform/http/validation";
import {
  type BatchItemResult,
  batchRefundSchema,
  batchResultSchema,
  batchSaleSchema,
  batchSchema,
  refundSchema,
  saleAcceptedSchema,
  saleIdSchema,
  saleSchema,
} from "./dto";
import { appendSales, prepareTransactions, type TransactionRequest, withSaleId } from "./ingest";
import type { AppendStatus } from "./ingest-do";
import { storedJson } from "./stored";

type Stored = "accepted" | "duplicate";

/** A shard's refusal as the error it is for the client (409 with the stored transaction). */
function refusalError(status: Exclude<AppendStatus, Stored>, path: string): HttpError {
  const errors = [{ path: path ? `${path}.${status.path}` : status.path, message: status.message }];
  if (status.code === "idempotency_key_reused") {
    const stored = status.stored ? storedJson(status.stored) : null;
    return new HttpError(
      "idempotency_key_reused",
      `${status.message}: an id names one transaction; send the stored one again or use a new id.`,
      { errors, extensions: { stored } },
    );
  }
  return toHttpError(
    new DomainError(
      status.code === "validation_failed" ? "invalid" : status.code,
      `${status.path}: ${status.message}`,
      errors,
    ),
  ) as HttpError;
}

/**
 * Validates each item on its own, stores the valid ones in order, and answers every item: an
 * invalid one is rejected by index and changes nothing.
 */
async function storeBatch(c: Context<AppEnv>, items: readonly unknown[]) {
  const results: BatchItemResult[] = [];
  const valid: { index: number; request: TransactionRequest }[] = [];
  const idOf = (item: unknown) => {
    const id = (item as { id?: unknown } | null)?.id;
    return typeof id === "string" ? id : null;
  };
  items.forEach((item, index) => {
    const path = ["sales", index];
    const reject = (errors: FieldError[]) => {
      results[index] = { index, id: idOf(item), status: "rejected", errors };
    };
    if ((item as { type?: unknown } | null)?.type === "refund") {
      const parsed = batchRefundSchema.safeParse(item);
      if (parsed.success) valid.push({ index, request: { type: "refund", input: parsed.data } });
      else reject(fieldErrors(parsed.error, path));
      return;
    }
    const parsed = batchSaleSchema.safeParse(item);
    if (parsed.success) {
      const input = withSaleId(parsed.data, parsed.data.id);
      valid.push({ index, request: { type: "sale", input } });
    } else reject(fieldErrors(parsed.error, path));
  });
  const prepared = await prepareTransactions(
    c.var.ctx,
    valid.map((v) => v.request),
  );
  const appended: { index: number; id: string }[] = [];
  const toAppend = [];
  for (const [i, p] of prepared.entries()) {
    const { index, request } = valid[i] as (typeof valid)[number];
    if (p instanceof DomainError) {
      const errors = p.errors.map((e) => ({
        path: `sales[${index}].${e.path}`,
        message: e.message,
      }));
      results[index] = { index, id: request.input.id, status: "rejected", errors };
    } else {
      toAppend.push(p);
      appended.push({ index, id: request.input.id });
    }
  }
  const statuses = toAppend.length > 0 ? await appendSales(c.env, toAppend) : [];
  statuses.forEach((status, i) => {
    const { index, id } = appended[i] as (typeof appended)[number];
    results[index] =
      typeof status === "string"
        ? { index, id, status }
        : {
            index,
            id,
            status: "rejected",
            errors: refusalError(status, `sales[${index}]`).errors,
            ...(status.stored && { stored: storedJson(status.stored) }),
          };
  });
  return {
    accepted: results.filter((r) => r.status === "accepted").length,
    duplicates: results.filter((r) => r.status === "duplicate").length,
    rejected: results.flatMap((r) =>
      r.status === "rejected" ? [{ index: r.index, errors: r.errors ?? [] }] : [],
    ),
    results,
  };
}

/** Stores one transaction; a refusal or a bad reference is thrown as the client's error. */
async function storeOne(c: Context<AppEnv>, request: TransactionRequest): Promise<Stored> {
  const [prepared] = await prepareTransactions(c.var.ctx, [request]);
  if (!prepared) throw new Error("nothing prepared");
  if (prepared instanceof DomainError) throw prepared;
  const [status] = await appendSales(c.env, [prepared]);
  if (status === undefined) throw new Error("no status");
  if (typeof status !== "string") throw refusalError(status, "");
  return status;
}

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
