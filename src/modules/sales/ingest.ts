import type { Db } from "../../db/client";
import type { Principal } from "../../env";
import type { FieldError } from "../../lib/errors";
import { resolveCatalog } from "./catalog";
import type { SaleInput } from "./dto";
import type { AppendStatus, IncomingSale } from "./ingest-do";
import { ingestStub, shardOf } from "./shards";

export type Rejection = { status: 403 | 404; errors: FieldError[] };
export type Prepared = { sale: IncomingSale } | { rejection: Rejection };

/**
 * Checks sales against the catalog snapshot and the caller's shop binding, and prices them
 * from the catalog (the price at acceptance is what the sale keeps). No D1 read per request.
 */
export async function prepareSales(
  db: Db,
  principal: Principal,
  inputs: (SaleInput & { id: string })[],
  now: number,
): Promise<Prepared[]> {
  const catalog = await resolveCatalog(
    db,
    inputs.map((s) => s.product_id),
    inputs.map((s) => s.shop_id),
  );
  return inputs.map((input): Prepared => {
    if (principal.kind === "api_key" && principal.shopId !== input.shop_id) {
      return {
        rejection: {
          status: 403,
          errors: [
            {
              path: "shop_id",
              message: `this key may post sales for shop ${principal.shopId} only`,
            },
          ],
        },
      };
    }
    const errors: FieldError[] = [];
    const product = catalog.products.get(input.product_id);
    if (!product)
      errors.push({ path: "product_id", message: `unknown product ${input.product_id}` });
    if (!catalog.shops.has(input.shop_id))
      errors.push({ path: "shop_id", message: `unknown shop ${input.shop_id}` });
    if (!product || errors.length > 0) return { rejection: { status: 404, errors } };
    return {
      sale: {
        id: input.id,
        productId: input.product_id,
        shopId: input.shop_id,
        quantity: input.quantity,
        unitPriceMinor: product.priceMinor,
        soldAt: input.sold_at === undefined ? now : Date.parse(input.sold_at),
      },
    };
  });
}

/** Sends each sale to its shop's shard, one RPC per shard, in parallel; statuses in input order. */
export async function appendSales(env: Env, sales: IncomingSale[]): Promise<AppendStatus[]> {
  const byShard = new Map<number, { indexes: number[]; sales: IncomingSale[] }>();
  sales.forEach((sale, index) => {
    const shard = shardOf(sale.shopId);
    let group = byShard.get(shard);
    if (!group) {
      group = { indexes: [], sales: [] };
      byShard.set(shard, group);
    }
    group.indexes.push(index);
    group.sales.push(sale);
  });
  const statuses: AppendStatus[] = new Array(sales.length);
  await Promise.all(
    [...byShard].map(async ([shard, group]) => {
      const result = await ingestStub(env, shard).append(shard, group.sales);
      result.forEach((status, i) => {
        statuses[group.indexes[i] as number] = status;
      });
    }),
  );
  return statuses;
}
