import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { idParams } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import {
  createApiKey,
  createApiKeySchema,
  getLiveApiKey,
  listApiKeys,
  revokeApiKey,
  SCOPES,
} from "../../modules/auth";
import { guards } from "../../platform/http/guards";
import { ConfirmPage } from "../confirm";
import { Csrf, FormProblem, Input, Layout, NextPage, TableHead, when } from "../layout";
import {
  emptyForm,
  type FormState,
  formOf,
  listPageQuery,
  page,
  pageContext,
  redirectWith,
  submitForm,
} from "../page";

const PAGE = 50;

async function renderKeys(c: Context<AppEnv>, cursor: string | undefined, form: FormState) {
  const rows = await listApiKeys(c.var.ctx.db, decodeCursor(cursor), PAGE);
  const { items, next_cursor } = toPage(rows, PAGE, (k) => k);
  const ctx = pageContext(c);
  const { values, errors } = form;
  const chosen = new Set([values.scopes ?? []].flat());
  const text = (name: string) => String(values[name] ?? "");
  return (
    <Layout title="API keys" page={ctx} current="/admin/api-keys">
      <h2>New key</h2>
      <form method="post" action="/admin/api-keys" class="inline" aria-label="New key">
        <FormProblem errors={errors} />
        <Csrf token={ctx.csrfToken} />
        <Input
          label="Name"
          name="name"
          value={text("name")}
          error={errors.name}
          required
          maxlength={100}
        />
        <fieldset class={errors.scopes ? "invalid" : undefined}>
          <legend>Scopes</legend>
          <span class="checks">
            {SCOPES.map((scope) => (
              <label class="check">
                <input type="checkbox" name="scopes" value={scope} checked={chosen.has(scope)} />{" "}
                {scope}
              </label>
            ))}
          </span>
          {errors.scopes && (
            <span class="field-error" id="scopes-error">
              {errors.scopes}
            </span>
          )}
        </fieldset>
        <Input
          label="Shop id (sales:write)"
          name="shop_id"
          value={text("shop_id")}
          error={errors.shop_id}
          inputmode="numeric"
        />
        <Input
          label="Seller (orders:write)"
          name="seller"
          value={text("seller")}
          error={errors.seller}
          maxlength={50}
        />
        <button type="submit">Create key</button>
      </form>
      <h2>Live keys</h2>
      {items.length === 0 ? (
        <p class="empty">No live keys.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead
              columns={["Name", "Starts with", "Scopes", "Bound to", "Created", "Revoke"]}
            />
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
                        Revoke…
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

const keys = page(
  {
    method: "get",
    path: "/admin/api-keys",
    name: "apiKeys",
    guard: guards.admin,
    request: { query: listPageQuery },
  },
  async (c) => c.html(await renderKeys(c, c.req.valid("query").cursor, emptyForm)),
);

const createKey = page(
  { method: "post", path: "/admin/api-keys", name: "createApiKey", guard: guards.admin },
  async (c) => {
    const form = await formOf(c);
    const values = {
      name: form.text("name"),
      scopes: form.all("scopes"),
      shop_id: form.text("shop_id"),
      seller: form.text("seller"),
    };
    return submitForm(c, {
      values,
      parsed: createApiKeySchema.safeParse({
        ...values,
        shop_id: /^[0-9]{1,16}$/.test(values.shop_id)
          ? Number(values.shop_id)
          : values.shop_id || null,
        seller: values.seller || null,
      }),
      render: (state) => renderKeys(c, undefined, state),
      save: async (b) => {
        const { row, key } = await createApiKey(c.var.ctx, {
          name: b.name,
          scopes: b.scopes,
          shopId: b.shop_id ?? null,
          seller: b.seller ?? null,
          shopIds: b.shop_ids ?? null,
        });
        // POST-redirect-GET: the key travels in the session's one-time flash, so the page that
        // shows it can be reloaded without creating another key, and shows it only once.
        return redirectWith(c, "/admin/api-keys", {
          kind: "success",
          text: `Key ${row.name} created (${row.scopes.join(", ")}). Copy it now: it is not shown again.`,
          secret: key,
        });
      },
    });
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
    const id = c.req.valid("param").id;
    const form = await formOf(c);
    if (form.text("confirm") !== "yes") {
      const key = await getLiveApiKey(c.var.ctx.db, id);
      if (!key) {
        return redirectWith(c, "/admin/api-keys", { kind: "error", text: "That key is not live." });
      }
      return c.html(
        <ConfirmPage
          page={pageContext(c)}
          current="/admin/api-keys"
          title="Revoke this key?"
          action={`/admin/api-keys/${id}/revoke`}
          fields={{}}
          confirmLabel="Revoke the key"
          cancelHref="/admin/api-keys"
        >
          <p>
            <strong>{key.name}</strong> (<code>{key.prefix}…</code>, {key.scopes.join(", ")}) stops
            working within a minute everywhere. Whoever uses it needs a new key.
          </p>
        </ConfirmPage>,
      );
    }
    const revoked = await revokeApiKey(c.var.ctx, id);
    return redirectWith(
      c,
      "/admin/api-keys",
      revoked ? "Key revoked." : { kind: "error", text: "That key was not live." },
    );
  },
);

export const apiKeyPages = [keys, createKey, revokeKey];
