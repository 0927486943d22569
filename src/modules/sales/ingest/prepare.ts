// The Worker's prepare stage of the write path: each valid transaction checked against the
// caller's shop binding and the catalog snapshot, priced and dated — no D1 read per request.
import type { Principal } from "../../../env";
import { businessDay } from "../../../lib/business-day";
import { DomainError, type FieldError } from "../../../lib/errors";
import { timeOrderedId } from "../../../lib/ids";
import { currencyOf } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { type CatalogSnapshot, resolveCatalog, type Shop } from "../../catalog";
import type { IncomingRefund, IncomingSale, IncomingTransaction } from "../core/transaction";
import type { RefundInput, SaleInput } from "./dto";
import { priceReceipt } from "./price";

/** A valid sale with its id: the client's (retries are recognised) or one the server made. */
export type SaleRequest = SaleInput & { id: string; clientId: boolean };

/** A sale with its id: the client's when it sent one, else a new time-ordered server id. */
export function withSaleId(input: SaleInput, clientId: string | undefined): SaleRequest {
  return { ...input, id: clientId ?? timeOrderedId(), clientId: clientId !== undefined };
}

function checkShop(
  principal: Principal,
  catalog: CatalogSnapshot,
  shopId: number,
  errors: FieldError[],
): Shop | DomainError | undefined {
  if (principal.kind === "api_key" && principal.shopId !== shopId) {
    return new DomainError("forbidden", `This key posts sales for shop ${principal.shopId} only.`, [
      { path: "shop_id", message: `this key may post sales for shop ${principal.shopId} only` },
    ]);
  }
  const shop = catalog.shops.get(shopId);
  if (!shop) errors.push({ path: "shop_id", message: `unknown shop ${shopId}` });
  return shop;
}

/** `terminal_id` and `seq` come together or not at all. */
function terminalOf(input: { terminal_id?: string | undefined; seq?: number | undefined }) {
  if (input.terminal_id !== undefined && input.seq !== undefined)
    return { id: input.terminal_id, seq: input.seq };
  if (input.terminal_id === undefined && input.seq === undefined) return null;
  const missing = input.seq === undefined ? "seq" : "terminal_id";
  return new DomainError(
    "invalid",
    `${missing}: goes with ${missing === "seq" ? "terminal_id" : "seq"}`,
    [{ path: missing, message: `required with ${missing === "seq" ? "terminal_id" : "seq"}` }],
  );
}

const notFoundOf = (errors: FieldError[]) =>
  new DomainError("not_found", errors.map((e) => e.message).join("; "), errors);

/**
 * When a transaction happened (the client's time, else now) and the shop's business date of it,
 * by the shop's rule as the catalog has it now.
 */
function timed(shop: Shop, sent: string | undefined, now: number) {
  const at = sent === undefined ? now : Date.parse(sent);
  return {
    soldAt: at,
    atSent: sent !== undefined,
    businessDay: businessDay(at, shop.timeZone, shop.dayStartMinutes),
  };
}

function checkSale(
  principal: Principal,
  catalog: CatalogSnapshot,
  input: SaleRequest,
  now: number,
  defaultCurrency: string,
): IncomingSale | DomainError {
  const errors: FieldError[] = [];
  const shop = checkShop(principal, catalog, input.shop_id, errors);
  if (shop instanceof DomainError) return shop;
  if (!shop) return notFoundOf(errors);
  const receipt = priceReceipt(input, {
    catalog,
    currency: currencyOf(shop.currency),
    defaultCurrency,
  });
  if (receipt instanceof DomainError) return receipt;
  const terminal = terminalOf(input);
  if (terminal instanceof DomainError) return terminal;
  return {
    terminal,
    shopId: input.shop_id,
    saleId: input.id,
    clientId: input.clientId,
    ...receipt,
    ...timed(shop, input.sold_at, now),
    refundOf: null,
  };
}

function checkRefund(
  principal: Principal,
  catalog: CatalogSnapshot,
  input: RefundInput,
  now: number,
): IncomingRefund | DomainError {
  const errors: FieldError[] = [];
  const shop = checkShop(principal, catalog, input.shop_id, errors);
  if (shop instanceof DomainError) return shop;
  if (!shop) return notFoundOf(errors);
  const terminal = terminalOf(input);
  if (terminal instanceof DomainError) return terminal;
  return {
    terminal,
    shopId: input.shop_id,
    saleId: input.id,
    refundOf: input.sale_id,
    lines: input.lines?.map((l) => ({ line: l.line, quantity: l.quantity ?? null })) ?? null,
    quantity: input.quantity ?? null,
    ...timed(shop, input.refunded_at, now),
    clientId: true,
  };
}

/** A sale or refund as validated; the shard checks refunds against their sales. */
export type TransactionRequest =
  | { type: "sale"; input: SaleRequest }
  | { type: "refund"; input: RefundInput };

/**
 * Checks transactions against the caller's shop binding and the catalog snapshot: receipts are
 * priced (a line without `unit_price` at the catalog price when it is accepted, kept since), and
 * every transaction gets its shop's business date. No D1 read per request.
 */
export async function prepareTransactions(
  ctx: ServiceContext,
  requests: readonly TransactionRequest[],
): Promise<(IncomingTransaction | DomainError)[]> {
  const catalog = await resolveCatalog(
    ctx.db,
    requests.flatMap((r) =>
      r.type !== "sale"
        ? []
        : (r.input.lines?.map((l) => l.product_id) ?? [r.input.product_id ?? 0]),
    ),
    requests.map((r) => r.input.shop_id),
  );
  const now = ctx.clock().getTime();
  return requests.map((r) =>
    r.type === "sale"
      ? checkSale(ctx.principal, catalog, r.input, now, ctx.config.CURRENCY)
      : checkRefund(ctx.principal, catalog, r.input, now),
  );
}
