import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { idParams } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { listUsers, ROLES, setRole } from "../../modules/auth";
import { guards } from "../../platform/http/guards";
import { ConfirmPage } from "../confirm";
import { Csrf, Layout, NextPage, SearchForm, TableHead } from "../layout";
import { formOf, listPageQuery, page, pageContext, redirectWith, refusalOf } from "../page";

const PAGE = 25;
const usersQuery = listPageQuery.extend({ q: z.string().trim().max(100).optional() });

async function renderUsers(
  c: Context<AppEnv>,
  query: { cursor?: string | undefined; q?: string | undefined },
  problem?: string,
) {
  const rows = await listUsers(
    c.var.ctx.db,
    decodeCursor(query.cursor),
    PAGE,
    query.q || undefined,
  );
  const { items, next_cursor } = toPage(rows, PAGE, (u) => u);
  const ctx = pageContext(c);
  return (
    <Layout title="Users and roles" page={ctx} current="/admin/users">
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <p class="muted">
        admin: the web admin and everything the operator token allows · owner: the dashboard and all
        reports · manager: the dashboard and reports of the shops named next to the role, by id
        (e.g. 3, 5)
      </p>
      <SearchForm action="/admin/users" q={query.q} label="Username or e-mail starts with" />
      {items.length === 0 ? (
        <p class="empty">Nothing matches “{query.q}”.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={["User", "E-mail", "Company", "Web role"]} />
            <tbody>
              {items.map((u) => (
                <tr>
                  <td>{u.username}</td>
                  <td class="wrap">{u.email}</td>
                  <td>
                    {u.companyId ? (
                      <a href={`/admin/companies/${u.companyId}`}>{u.companyId}</a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    <form method="post" action={`/admin/users/${u.id}/role`} class="inline tight">
                      <Csrf token={ctx.csrfToken} />
                      <select name="role" aria-label={`Role of ${u.username}`}>
                        <option value="">none</option>
                        {ROLES.map((role) => (
                          <option value={role} selected={u.role === role}>
                            {role}
                          </option>
                        ))}
                      </select>
                      <input
                        name="shop_ids"
                        aria-label={`Shops of ${u.username} (a manager's, by id)`}
                        placeholder="shop ids"
                        size={10}
                        value={u.shopIds?.join(", ") ?? ""}
                      />
                      <button type="submit" class="secondary">
                        Save
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NextPage url={c.req.url} cursor={next_cursor} />
    </Layout>
  );
}

const users = page(
  {
    method: "get",
    path: "/admin/users",
    name: "users",
    guard: guards.admin,
    request: { query: usersQuery },
  },
  async (c) => c.html(await renderUsers(c, c.req.valid("query"))),
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
    const id = c.req.valid("param").id;
    const form = await formOf(c);
    const chosen = form.text("role");
    const next = ROLES.find((r) => r === chosen) ?? null;
    if (chosen !== "" && next === null) {
      return c.html(await renderUsers(c, {}, `There is no role “${chosen}”.`), 400);
    }
    // A manager's shops, by id: "3, 5".
    const listed = form.text("shop_ids").trim();
    const shopIds = listed === "" ? [] : listed.split(/[\s,]+/).map(Number);
    if (shopIds.some((s) => !Number.isSafeInteger(s) || s < 1)) {
      return c.html(await renderUsers(c, {}, `“${listed}” is not a list of shop ids.`), 400);
    }
    if (next === "manager" && shopIds.length === 0) {
      return c.html(await renderUsers(c, {}, "A manager is bound to shops: name their ids."), 400);
    }
    const me = c.var.ctx.principal;
    // An admin who took their own role away would be locked out at the next click.
    if (me.kind === "user" && me.userId === id && next !== "admin") {
      return c.html(
        await renderUsers(c, {}, "You cannot take away your own admin role; another admin can."),
        409,
      );
    }
    if (next !== "admin" && form.text("confirm") !== "yes") {
      const [target] = await listUsers(c.var.ctx.db, id - 1, 1);
      if (target?.id === id && target.role === "admin") {
        return c.html(
          <ConfirmPage
            page={pageContext(c)}
            current="/admin/users"
            title="Take away an admin role?"
            action={`/admin/users/${id}/role`}
            fields={{ role: chosen, shop_ids: listed }}
            confirmLabel={`Make ${target.username} ${next ?? "a user without a web role"}`}
            cancelHref="/admin/users"
          >
            <p>
              <strong>{target.username}</strong> loses the web admin at their next page.
            </p>
          </ConfirmPage>,
        );
      }
    }
    try {
      const user = await setRole(c.var.ctx, id, next, next === "manager" ? shopIds : null);
      return redirectWith(c, "/admin/users", `${user.username} now has ${next ?? "no"} web role.`);
    } catch (error) {
      const { errors, status } = refusalOf(error);
      return c.html(await renderUsers(c, {}, errors.form ?? Object.values(errors)[0]), status);
    }
  },
);

export const userPages = [users, role];
