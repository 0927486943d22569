export type Scope = "sales:write" | "orders:write" | "robots:write" | "reports:read";
export type Role = "admin" | "owner";

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
    }
  | {
      kind: "user";
      userId: number;
      username: string;
      email: string;
      companyId: number | null;
      role: Role | null;
    };
