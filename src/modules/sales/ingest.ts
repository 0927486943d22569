import type { Principal } from "../../env";
import { DomainError, type FieldError } from "../../lib/errors";
import { timeOrderedId } from "../../lib/ids";
import type { ServiceContext } from "../../platform/context";
import { type CatalogSnapshot, resolveCatalog } from "../catalog";
import type { SaleInput } from "./dto";
import { type AppendStatus, type IncomingSale, ingestStub } from "./ingest-do";
import { shardOf } from "./shards";

/** A valid sale with its id: the client's (retries are recognised) or one the server made. */
export type SaleRequest = SaleInput & { id: string; clientId: boolean };

/** A sale with its id: the client's when it sent one, else a new time-ordered server id. */
export function withSaleId(input: SaleInput, clientId: string | undefined): SaleRequest {
  return { ...input, id: clientId ?? timeOrderedId(), clientId: clientId !== undefined };
}

/**
 * One sale against the caller's shop binding and the catalog snapshot, priced from the catalog
 * (the price at acceptance is what the sale keeps). No D1 read per request.
 */
function checkSale(
  principal: Principal,
  catalog: CatalogSnapshot,
  input: SaleRequest,
  now: number,
): IncomingSale | DomainError {
  if (principal.kind === "api_key" && principal.shopId !== input.shop_id) {
    return new DomainError("forbidden", `This key posts sales for shop ${principal.shopId} only.`, [
      { path: "shop_id", message: `this key may post sales for shop ${principal.shopId} only` },
    ]);
  }
  const errors: FieldError[] = [];
  const product = catalog.products.get(input.product_id);
  if (!product) errors.push({ path: "product_id", message: `unknown product ${input.product_id}` });
  if (!catalog.shops.has(input.shop_id))
    errors.push({ path: "shop_id", message: `unknown shop ${input.shop_id}` });
  if (!product || errors.length > 0) {
    return new DomainError("not_found", errors.map((e) => e.message).join("; "), errors);
  }
  return {
    shopId: input.shop_id,
    saleId: input.id,
    clientId: input.clientId,
    productId: input.product_id,
    quantity: input.quantity,
    unitPriceMinor: product.priceMinor,
    soldAt: input.sold_at === undefined ? now : Date.parse(input.sold_at),
  };
}

export async function prepareSales(
  ctx: ServiceContext,
  inputs: readonly SaleRequest[],
): Promise<(IncomingSale | DomainError)[]> {
  const catalog = await resolveCatalog(
    ctx.db,
    inputs.map((s) => s.product_id),
    inputs.map((s) => s.shop_id),
  );
  const now = ctx.clock().getTime();
  return inputs.map((input) => checkSale(ctx.principal, catalog, input, now));
}

/** Sends each sale to its shop's shard, one RPC per shard, in parallel; statuses in input order. */
export async function appendSales(env: Env, sales: IncomingSale[]): Promise<AppendStatus[]> {
  const byShard = Map.groupBy(
    sales.map((sale, index) => ({ sale, index })),
    ({ sale }) => shardOf(sale.shopId),
  );
  const statuses: AppendStatus[] = new Array(sales.length);
  await Promise.all(
    [...byShard].map(async ([shard, group]) => {
      const result = await ingestStub(env, shard).append(
        shard,
        group.map((g) => g.sale),
      );
      result.forEach((status, i) => {
        statuses[group[i]?.index ?? -1] = status;
      });
    }),
  );
  return statuses;
}
