import ExcelJS from "exceljs";
import { expect } from "vitest";
import { settleExcelJs } from "../../src/lib/exceljs-queue";
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

/** A workbook a signed-in page serves, opened with exceljs. */
export async function fetchWorkbook(path: string, cookie: string) {
  const { exports } = await import("cloudflare:workers");
  const res = await exports.default.fetch(`${BASE}${path}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  // The test shares the Worker's isolate: exceljs's queue must drain here, or the next export hangs.
  await settleExcelJs();
  return book;
}
