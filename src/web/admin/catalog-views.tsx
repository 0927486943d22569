// The catalog's pages as rendered: products and shops, searchable and paged, with their forms.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { decodeCursor, toPage } from "../../lib/pagination";
import { getProduct, getShop, listProducts, listShops } from "../../modules/catalog";
import { Csrf, FormProblem, Layout, money, NextPage, SearchForm, TableHead } from "../layout";
import { type FormState, pageContext } from "../page";
import { ProductFields, ShopFields } from "./catalog-forms";

const PAGE = 25;
export type Search = { cursor?: string | undefined; q?: string | undefined };

function Tabs({ current }: { current: "products" | "shops" }) {
  return (
    <nav class="tabs" aria-label="Catalog">
      <a href="/admin/catalog" aria-current={current === "products" ? "page" : undefined}>
        Products
      </a>
      <a href="/admin/catalog/shops" aria-current={current === "shops" ? "page" : undefined}>
        Shops
      </a>
    </nav>
  );
}

export async function renderProducts(c: Context<AppEnv>, search: Search, form: FormState) {
  const rows = await listProducts(
    c.var.ctx.db,
    decodeCursor(search.cursor),
    PAGE,
    search.q || undefined,
  );
  const { items, next_cursor } = toPage(rows, PAGE, (p) => p);
  const ctx = pageContext(c);
  return (
    <Layout title="Catalog" page={ctx} current="/admin/catalog">
      <Tabs current="products" />
      {/* At the top, closed until wanted; open when it comes back with errors. */}
      <details class="new" open={Object.keys(form.errors).length > 0}>
        <summary>New product</summary>
        <form
          method="post"
          action="/admin/catalog/products"
          class="stack panel"
          aria-label="New product"
        >
          <FormProblem errors={form.errors} />
          <Csrf token={ctx.csrfToken} />
          <ProductFields form={form} />
          <button type="submit">Add product</button>
        </form>
      </details>
      <SearchForm action="/admin/catalog" q={search.q} label="Name or model starts with" />
      {items.length === 0 ? (
        <p class="empty">{search.q ? `Nothing matches “${search.q}”.` : "No products yet."}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead
              columns={[
                "Name",
                "Model",
                "Released",
                { num: `Price (${c.var.ctx.config.CURRENCY})` },
                "Also priced in",
              ]}
            />
            <tbody>
              {items.map((p) => (
                <tr>
                  <td>
                    <a href={`/admin/catalog/products/${p.id}`}>{p.name}</a>
                  </td>
                  <td>{p.model}</td>
                  <td>{p.releaseDate}</td>
                  <td class="num">{money(p.priceMinor)}</td>
                  <td>{Object.keys(p.prices).join(", ") || "—"}</td>
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

export async function renderShops(c: Context<AppEnv>, search: Search, form: FormState) {
  const rows = await listShops(
    c.var.ctx.db,
    decodeCursor(search.cursor),
    PAGE,
    search.q || undefined,
  );
  const { items, next_cursor } = toPage(rows, PAGE, (s) => s);
  const ctx = pageContext(c);
  return (
    <Layout title="Catalog" page={ctx} current="/admin/catalog">
      <Tabs current="shops" />
      {/* At the top, closed until wanted; open when it comes back with errors. */}
      <details class="new" open={Object.keys(form.errors).length > 0}>
        <summary>New shop</summary>
        <form method="post" action="/admin/catalog/shops" class="stack panel" aria-label="New shop">
          <FormProblem errors={form.errors} />
          <Csrf token={ctx.csrfToken} />
          <ShopFields form={form} />
          <button type="submit">Add shop</button>
        </form>
      </details>
      <SearchForm action="/admin/catalog/shops" q={search.q} label="Name or address starts with" />
      {items.length === 0 ? (
        <p class="empty">{search.q ? `Nothing matches “${search.q}”.` : "No shops yet."}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={["Name", "Address", "Currency", "Time zone", "Company"]} />
            <tbody>
              {items.map((s) => (
                <tr>
                  <td>
                    <a href={`/admin/catalog/shops/${s.id}`}>{s.name}</a>
                  </td>
                  <td class="wrap">{s.address}</td>
                  <td>{s.currency}</td>
                  <td>{s.timeZone}</td>
                  <td>
                    {s.companyId ? (
                      <a href={`/admin/companies/${s.companyId}`}>{s.companyId}</a>
                    ) : (
                      "—"
                    )}
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

export async function renderProduct(c: Context<AppEnv>, id: number, form: FormState) {
  const p = await getProduct(c.var.ctx.db, id);
  const ctx = pageContext(c);
  return (
    <Layout title={`Product: ${p.name}`} page={ctx} current="/admin/catalog">
      <form method="post" action={`/admin/catalog/products/${p.id}`} class="stack">
        <FormProblem errors={form.errors} />
        <Csrf token={ctx.csrfToken} />
        <ProductFields p={p} form={form} />
        <p class="muted">A new price applies to sales from now on; past sales keep theirs.</p>
        <button type="submit">Save</button>
      </form>
    </Layout>
  );
}

export async function renderShop(c: Context<AppEnv>, id: number, form: FormState) {
  const s = await getShop(c.var.ctx.db, id);
  const ctx = pageContext(c);
  return (
    <Layout title={`Shop: ${s.name}`} page={ctx} current="/admin/catalog">
      <form method="post" action={`/admin/catalog/shops/${s.id}`} class="stack">
        <FormProblem errors={form.errors} />
        <Csrf token={ctx.csrfToken} />
        <ShopFields s={s} form={form} />
        <button type="submit">Save</button>
      </form>
    </Layout>
  );
}
