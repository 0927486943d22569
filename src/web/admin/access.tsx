import { idParams } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import {
  createApiKey,
  createApiKeySchema,
  listApiKeys,
  listUsers,
  ROLES,
  revokeApiKey,
  SCOPES,
  setRole,
} from "../../modules/auth";
import { guards } from "../../platform/http/guards";
import { fieldErrors } from "../../platform/http/validation";
import { Csrf, Layout, NextPage, TableHead, when } from "../layout";
import { formOf, listPageQuery, page, pageContext, redirectWith } from "../page";

const keys = page(
  {
    method: "get",
    path: "/admin/api-keys",
    name: "apiKeys",
    guard: guards.admin,
    request: { query: listPageQuery },
  },
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listApiKeys(c.var.ctx.db, decodeCursor(q.cursor), 50);
    const { items, next_cursor } = toPage(rows, 50, (k) => k);
    const ctx = pageContext(c);
    return c.html(
      <Layout title="API keys" page={ctx} current="/admin/api-keys" notice={q.notice}>
        <h2>New key</h2>
        <form method="post" action="/admin/api-keys" class="inline">
          <Csrf token={ctx.csrfToken} />
          <label>
            Name
            <input name="name" required maxlength={100} />
          </label>
          <fieldset>
            <legend>Scopes</legend>
            {SCOPES.map((scope) => (
              <label class="check">
                <input type="checkbox" name="scopes" value={scope} /> {scope}
              </label>
            ))}
          </fieldset>
          <label>
            Shop id (sales:write)
            <input name="shop_id" inputmode="numeric" pattern="[1-9][0-9]*" />
          </label>
          <label>
            Seller (orders:write)
            <input name="seller" maxlength={50} />
          </label>
          <button type="submit">Create key</button>
        </form>
        <h2>Live keys</h2>
        <table>
          <TableHead columns={["Name", "Starts with", "Scopes", "Bound to", "Created", "Revoke"]} />
          <tbody>
            {items.map((k) => (
              <tr>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.scopes.join(", ")}</td>
                <td>
                  {[k.shopId && `shop ${k.shopId}`, k.seller && `seller ${k.seller}`]
                    .filter(Boolean)
                    .join(", ") || "—"}
                </td>
                <td>{when(k.createdAt)}</td>
                <td>
                  <form method="post" action={`/admin/api-keys/${k.id}/revoke`}>
                    <Csrf token={ctx.csrfToken} />
                    <button type="submit" class="danger" aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <NextPage url={c.req.url} cursor={next_cursor} />
      </Layout>,
    );
  },
);

const createKey = page(
  { method: "post", path: "/admin/api-keys", name: "createApiKey", guard: guards.admin },
  async (c) => {
    const form = await formOf(c);
    const parsed = createApiKeySchema.safeParse({
      name: form.text("name"),
      scopes: form.all("scopes"),
      shop_id: form.text("shop_id") ? Number(form.text("shop_id")) : null,
      seller: form.text("seller") || null,
    });
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error).map((e) => `${e.path}: ${e.message}`);
      return redirectWith(c, "/admin/api-keys", `Not created. ${problems.join("; ")}`);
    }
    const { row, key } = await createApiKey(c.var.ctx, {
      name: parsed.data.name,
      scopes: parsed.data.scopes,
      shopId: parsed.data.shop_id ?? null,
      seller: parsed.data.seller ?? null,
    });
    // Shown once, on this page only: no redirect could carry it without storing it.
    return c.html(
      <Layout title="Key created" page={pageContext(c)} current="/admin/api-keys">
        <p>
          The key <strong>{row.name}</strong> ({row.scopes.join(", ")}). Copy it now: it is not
          shown again.
        </p>
        <p class="key" data-new-key>
          {key}
        </p>
        <p>
          <a href="/admin/api-keys">Back to the keys</a>
        </p>
      </Layout>,
    );
  },
);

const revokeKey = page(
  {
    method: "post",
    path: "/admin/api-keys/{id}/revoke",
    name: "revokeApiKey",
    guard: guards.admin,
    request: { params: idParams },
  },
  async (c) => {
    const revoked = await revokeApiKey(c.var.ctx, c.req.valid("param").id);
    return redirectWith(c, "/admin/api-keys", revoked ? "Key revoked." : "That key was not live.");
  },
);

const users = page(
  {
    method: "get",
    path: "/admin/users",
    name: "users",
    guard: guards.admin,
    request: { query: listPageQuery },
  },
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listUsers(c.var.ctx.db, decodeCursor(q.cursor), 100);
    const { items, next_cursor } = toPage(rows, 100, (u) => u);
    const ctx = pageContext(c);
    return c.html(
      <Layout title="Users and roles" page={ctx} current="/admin/users" notice={q.notice}>
        <p class="muted">
          admin: the web admin and everything the operator token allows · owner: the dashboard and
          all reports
        </p>
        <table>
          <TableHead columns={["User", "E-mail", "Company", "Web role"]} />
          <tbody>
            {items.map((u) => (
              <tr>
                <td>{u.username}</td>
                <td>{u.email}</td>
                <td>
                  {u.companyId ? (
                    <a href={`/admin/companies/${u.companyId}`}>{u.companyId}</a>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  <form method="post" action={`/admin/users/${u.id}/role`} class="inline">
                    <Csrf token={ctx.csrfToken} />
                    <select name="role" aria-label={`Role of ${u.username}`}>
                      <option value="">none</option>
                      {ROLES.map((role) => (
                        <option value={role} selected={u.role === role}>
                          {role}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="secondary">
                      Save
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <NextPage url={c.req.url} cursor={next_cursor} />
      </Layout>,
    );
  },
);

const role = page(
  {
    method: "post",
    path: "/admin/users/{id}/role",
    name: "setRole",
    guard: guards.admin,
    request: { params: idParams },
  },
  async (c) => {
    const chosen = (await formOf(c)).text("role");
    const next = ROLES.find((r) => r === chosen) ?? null;
    const user = await setRole(c.var.ctx, c.req.valid("param").id, next);
    return redirectWith(c, "/admin/users", `${user.username} now has ${next ?? "no"} web role.`);
  },
);

export const accessPages = [keys, createKey, revokeKey, users, role];
