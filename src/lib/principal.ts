export type Scope = "sales:write" | "orders:write" | "robots:write" | "reports:read";
export type Role = "admin" | "owner" | "manager";

/** Who is calling, once their credentials are checked. */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "system" }
  | { kind: "admin" }
  | {
      kind: "api_key";
      keyId: number;
      scopes: Scope[];
      shopId: number | null;
      seller: string | null;
      /** A `reports:read` key bound to these shops (docs/API.md#managers); null: every shop. */
      reportShopIds: number[] | null;
    }
  | {
      kind: "user";
      userId: number;
      username: string;
      email: string;
      companyId: number | null;
      role: Role | null;
      /** A manager's shops: the only ones its reports and pages show. */
      shopIds: number[] | null;
    };

/**
 * The shops a principal's reports may show (docs/API.md#managers): a manager's, a bound
 * reports key's; null for everyone who sees the whole chain. Another shop is absent or a 404.
 */
export function visibleShops(p: Principal): readonly number[] | null {
  if (p.kind === "user" && p.role === "manager") return p.shopIds ?? [];
  if (p.kind === "api_key") return p.reportShopIds;
  return null;
}

/** Whether a principal's reports may show this shop. */
export const seesShop = (p: Principal, shopId: number): boolean =>
  visibleShops(p)?.includes(shopId) ?? true;
