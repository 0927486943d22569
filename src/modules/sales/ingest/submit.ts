// The Worker's side of the write path, in order: each item validated (routes.ts, dto.ts),
// prepared (prepare.ts), sent to its shard (send.ts), and answered here.
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { DomainError, type FieldError, HttpError, toHttpError } from "../../../lib/errors";
import type { ServiceContext } from "../../../platform/context";
import { fieldErrors, formatPath } from "../../../platform/http/validation";
import { shopCurrency } from "../core/currency";
import type { AppendStatus } from "../core/transaction";
import { storedJson } from "../core/wire";
import {
  type BatchItemResult,
  batchRefundSchema,
  batchSaleSchema,
  formErrors,
  refundFormErrors,
} from "./dto";
import { prepareTransactions, type TransactionRequest, withSaleId } from "./prepare";
import { appendSales } from "./send";

export type Stored = "accepted" | "duplicate";

/** The stored transaction a refusal names, in its shop's currency. */
async function storedAnswer(ctx: ServiceContext, status: Exclude<AppendStatus, Stored>) {
  return status.stored
    ? storedJson(status.stored, await shopCurrency(ctx, status.stored.shopId))
    : null;
}

/** A shard's refusal as the error it is for the client (409 with the stored transaction). */
function refusalError(
  status: Exclude<AppendStatus, Stored>,
  path: string,
  stored: ReturnType<typeof storedJson> | null,
): HttpError {
  const errors = [{ path: path ? `${path}.${status.path}` : status.path, message: status.message }];
  if (status.code === "idempotency_key_reused") {
    return new HttpError(
      "idempotency_key_reused",
      `${status.message}: an id names one transaction; send the stored one again or use a new id.`,
      { errors, extensions: { stored } },
    );
  }
  if (status.code === "month_archived")
    return new HttpError("month_archived", `${status.message}.`, { errors });
  return toHttpError(
    new DomainError(
      status.code === "validation_failed" ? "invalid" : status.code,
      `${status.path}: ${status.message}`,
      errors,
    ),
  ) as HttpError;
}

/** One batch item's request, or the errors that reject it (paths start at `path`). */
function checkItem(item: unknown, path: (string | number)[]): TransactionRequest | FieldError[] {
  const located = (errors: { path: (string | number)[]; message: string }[]) =>
    errors.map((e) => ({ path: formatPath([...path, ...e.path]), message: e.message }));
  if ((item as { type?: unknown } | null)?.type === "refund") {
    const parsed = batchRefundSchema.safeParse(item);
    if (!parsed.success) return fieldErrors(parsed.error, path);
    const form = refundFormErrors(parsed.data);
    return form.length > 0 ? located(form) : { type: "refund", input: parsed.data };
  }
  const parsed = batchSaleSchema.safeParse(item);
  if (!parsed.success) return fieldErrors(parsed.error, path);
  const form = formErrors(parsed.data);
  if (form.length > 0) return located(form.map((e) => ({ ...e, path: [e.path] })));
  return { type: "sale", input: withSaleId(parsed.data, parsed.data.id) };
}

/**
 * Validates each item on its own, stores the valid ones in order, and answers every item: an
 * invalid one is rejected by index and changes nothing.
 */
export async function storeBatch(c: Context<AppEnv>, items: readonly unknown[]) {
  const results: BatchItemResult[] = [];
  const valid: { index: number; request: TransactionRequest }[] = [];
  const idOf = (item: unknown) => {
    const id = (item as { id?: unknown } | null)?.id;
    return typeof id === "string" ? id : null;
  };
  for (const [index, item] of items.entries()) {
    const checked = checkItem(item, ["sales", index]);
    if (Array.isArray(checked))
      results[index] = { index, id: idOf(item), status: "rejected", errors: checked };
    else valid.push({ index, request: checked });
  }
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
  const statuses = toAppend.length > 0 ? await appendSales(c.var.ctx, toAppend) : [];
  for (const [i, status] of statuses.entries()) {
    const { index, id } = appended[i] as (typeof appended)[number];
    if (typeof status === "string") {
      results[index] = { index, id, status };
      continue;
    }
    const stored = await storedAnswer(c.var.ctx, status);
    results[index] = {
      index,
      id,
      status: "rejected",
      errors: refusalError(status, `sales[${index}]`, stored).errors,
      ...(stored && { stored }),
    };
  }
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
export async function storeOne(c: Context<AppEnv>, request: TransactionRequest): Promise<Stored> {
  const [prepared] = await prepareTransactions(c.var.ctx, [request]);
  if (!prepared) throw new Error("nothing prepared");
  if (prepared instanceof DomainError) throw prepared;
  const [status] = await appendSales(c.var.ctx, [prepared]);
  if (status === undefined) throw new Error("no status");
  if (typeof status !== "string")
    throw refusalError(status, "", await storedAnswer(c.var.ctx, status));
  return status;
}
