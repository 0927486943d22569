import type { Db } from "./db/client";
import type { Config } from "./lib/config";

export type Scope = "sales:write" | "orders:write" | "robots:write" | "reports:read";

export type Principal =
  | { kind: "admin" }
  | {
      kind: "api_key";
      keyId: number;
      scopes: Scope[];
      shopId: number | null;
      seller: string | null;
    }
  | { kind: "user"; userId: number; companyId: number | null };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    db: Db;
    principal: Principal;
  };
};
