import { admin, BASE, call, registerAndLogin } from "./http";

/** A new user with a web role, signed in: the session cookie to send with page requests. */
export async function signedInCookie(
  role: "admin" | "owner" | "manager",
  shopIds?: number[],
): Promise<string> {
  const login = await registerAndLogin();
  await admin(`/api/v1/admin/users/${login.user.id}/role`, {
    method: "PUT",
    body: { role, ...(shopIds && { shop_ids: shopIds }) },
  });
  const res = await call("/login", {
    method: "POST",
    body: new URLSearchParams({
      username: login.user.username,
      password: login.password,
    }).toString(),
    headers: { origin: BASE, "content-type": "application/x-www-form-urlencoded" },
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}
