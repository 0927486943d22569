import type { Principal } from "../../env";
import { forbidden, notFound } from "../../lib/errors";
import { isAdmin } from "../../platform/http/guards";

// The route guards admit the operator and keys with the right scope; these bind a seller's key
// to its own seller.

/** Uploads: the operator, or the orders:write key of this seller. */
export function assertMayWrite(p: Principal, seller: string) {
  if (p.kind === "api_key" && p.seller !== seller) {
    throw forbidden(`This key uploads orders for seller ${p.seller} only.`);
  }
}

/** Statistics: the operator, a reports:read key or role, or the seller's own key. */
export function assertMayRead(p: Principal, seller: string) {
  if (isAdmin(p) || p.kind !== "api_key" || p.scopes.includes("reports:read")) return;
  if (p.seller !== seller) {
    throw forbidden("This endpoint needs the admin token, a reports:read key or the seller's key.");
  }
}

/** One order: another seller's order is as unknown to a seller's key as a missing one. */
export function assertMaySee(p: Principal, seller: string, orderNumber: string) {
  if (p.kind === "api_key" && p.seller !== seller) {
    throw notFound(`There is no order ${orderNumber}.`);
  }
}
