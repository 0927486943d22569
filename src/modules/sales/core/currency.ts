import { type Currency, currencyOf } from "../../../lib/money";
import type { ServiceContext } from "../../../platform/context";
import { resolveCatalog } from "../../catalog";

/** The currency every amount of a shop is in (docs/API.md#currencies), from the catalog snapshot. */
export async function shopCurrency(ctx: ServiceContext, shopId: number): Promise<Currency> {
  const catalog = await resolveCatalog(ctx.db, [], [shopId]);
  return currencyOf(catalog.shops.get(shopId)?.currency ?? ctx.config.CURRENCY);
}
