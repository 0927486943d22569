import { SignJWT, UnsecuredJWT } from "jose";
import type { Scope } from "../../src/env";
import { ADMIN_TOKEN, admin, registerAndLogin, unique } from "./http";
import { createKey, createShop } from "./sales";

export type Who =
  | "nobody"
  | "invalid"
  | "operator"
  | "admin-user"
  | "owner"
  | "manager"
  | "user"
  | "employee"
  | `key:${Scope}`;

export type Credential = { name: string; who: Who; token: string | null };

const SECRET = new TextEncoder().encode("test-jwt-secret-0123456789-0123456789");
const now = () => Math.floor(Date.now() / 1000);

async function company(name: string): Promise<number> {
  const res = await admin("/api/v1/admin/companies", {
    body: {
      name,
      email: `${unique("c")}@example.com`,
      country: "Matrix",
      city: "Matrix",
      street: "Main",
      house_number: "1",
    },
  });
  if (res.status !== 201) throw new Error(`company: ${res.text}`);
  return res.json.id;
}

async function withRole(role: "admin" | "owner" | "manager", shopIds?: number[]) {
  const login = await registerAndLogin();
  const granted = await admin(`/api/v1/admin/users/${login.user.id}/role`, {
    method: "PUT",
    body: { role, ...(shopIds && { shop_ids: shopIds }) },
  });
  if (granted.status !== 200) throw new Error(`role: ${granted.text}`);
  return login.access;
}

/**
 * Every kind of caller, from no credentials to the operator: broken tokens, each API key
 * scope, plain users, web roles and an employee (whose company is `ownCompany`).
 */
export async function credentialMatrix() {
  const [ownCompany, otherCompany, shop] = await Promise.all([
    company(unique("Own ")),
    company(unique("Other ")),
    createShop(),
  ]);
  const user = await registerAndLogin();
  const employee = await registerAndLogin({ companyId: ownCompany });
  const sub = String(user.user.id);
  const claims = { typ: "access" };
  const signed = (key: Uint8Array, iat: number, exp: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuer("retail-edge")
      .setAudience("retail-edge-api")
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key);
  const credentials: Credential[] = [
    { name: "no credentials", who: "nobody", token: null },
    { name: "garbage", who: "invalid", token: "garbage" },
    {
      name: "alg none",
      who: "invalid",
      token: new UnsecuredJWT(claims)
        .setSubject(sub)
        .setIssuer("retail-edge")
        .setAudience("retail-edge-api")
        .setIssuedAt(now())
        .setExpirationTime(now() + 600)
        .encode(),
    },
    {
      name: "wrong key",
      who: "invalid",
      token: await signed(new TextEncoder().encode("x".repeat(40)), now(), now() + 600),
    },
    { name: "expired", who: "invalid", token: await signed(SECRET, now() - 7200, now() - 3600) },
    { name: "refresh token", who: "invalid", token: user.refresh },
    { name: "revoked-style unknown key", who: "invalid", token: "re_unknownunknownunknown" },
    {
      name: "sales:write key",
      who: "key:sales:write",
      token: await createKey({ scopes: ["sales:write"], shop_id: shop.id }),
    },
    {
      name: "orders:write key",
      who: "key:orders:write",
      token: await createKey({ scopes: ["orders:write"], seller: unique("seller_") }),
    },
    {
      name: "robots:write key",
      who: "key:robots:write",
      token: await createKey({ scopes: ["robots:write"] }),
    },
    {
      name: "reports:read key",
      who: "key:reports:read",
      token: await createKey({ scopes: ["reports:read"] }),
    },
    {
      name: "reports:read key bound to a shop",
      who: "key:reports:read",
      token: await createKey({ scopes: ["reports:read"], shop_ids: [shop.id] }),
    },
    { name: "user", who: "user", token: user.access },
    { name: "employee of another company", who: "employee", token: employee.access },
    { name: "owner", who: "owner", token: await withRole("owner") },
    { name: "manager", who: "manager", token: await withRole("manager", [shop.id]) },
    { name: "admin user", who: "admin-user", token: await withRole("admin") },
    { name: "operator token", who: "operator", token: ADMIN_TOKEN },
  ];
  return { credentials, ownCompany, otherCompany };
}
