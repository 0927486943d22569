import { idParams } from "../../lib/ids";
import { definedFields } from "../../lib/sql";
import {
  createProduct,
  createProductSchema,
  createShop,
  createShopSchema,
  getProduct,
  getShop,
  listProducts,
  listShops,
  updateProduct,
  updateProductSchema,
  updateShop,
  updateShopSchema,
} from "../../modules/catalog";
import { guards } from "../../platform/http/guards";
import { Csrf, Layout, money, TableHead } from "../layout";
import { noticeQuery, page, pageContext, redirectWith } from "../page";
import { ProductFields, productInput, refusal, ShopFields, shopInput } from "./catalog-forms";

const admin = guards.admin;

const overview = page(
  {
    method: "get",
    path: "/admin/catalog",
    name: "catalog",
    guard: admin,
    request: { query: noticeQuery },
  },
  async (c) => {
    const { db } = c.var.ctx;
    const [products, shops] = await Promise.all([
      listProducts(db, 0, 1000),
      listShops(db, 0, 1000),
    ]);
    const ctx = pageContext(c);
    return c.html(
      <Layout
        title="Catalog"
        page={ctx}
        current="/admin/catalog"
        notice={c.req.valid("query").notice}
      >
        <div class="grid-2">
          <form
            method="post"
            action="/admin/catalog/products"
            class="stack panel"
            aria-label="New product"
          >
            <h2>New product</h2>
            <Csrf token={ctx.csrfToken} />
            <ProductFields />
            <button type="submit">Add product</button>
          </form>
          <form
            method="post"
            action="/admin/catalog/shops"
            class="stack panel"
            aria-label="New shop"
          >
            <h2>New shop</h2>
            <Csrf token={ctx.csrfToken} />
            <ShopFields />
            <button type="submit">Add shop</button>
          </form>
        </div>
        <h2>Products</h2>
        <table>
          <TableHead columns={["Name", "Model", "Released", { num: "Price" }]} />
          <tbody>
            {products.slice(0, 1000).map((p) => (
              <tr>
                <td>
                  <a href={`/admin/catalog/products/${p.id}`}>{p.name}</a>
                </td>
                <td>{p.model}</td>
                <td>{p.releaseDate}</td>
                <td class="num">{money(p.priceMinor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Shops</h2>
        <table>
          <TableHead columns={["Name", "Address", "Company"]} />
          <tbody>
            {shops.slice(0, 1000).map((s) => (
              <tr>
                <td>
                  <a href={`/admin/catalog/shops/${s.id}`}>{s.name}</a>
                </td>
                <td>{s.address}</td>
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
      </Layout>,
    );
  },
);

const params = { params: idParams };

const editPages = [
  page(
    {
      method: "get",
      path: "/admin/catalog/products/{id}",
      name: "product",
      guard: admin,
      request: params,
    },
    async (c) => {
      const p = await getProduct(c.var.ctx.db, c.req.valid("param").id);
      const ctx = pageContext(c);
      return c.html(
        <Layout title={`Product: ${p.name}`} page={ctx} current="/admin/catalog">
          <form method="post" action={`/admin/catalog/products/${p.id}`} class="stack">
            <Csrf token={ctx.csrfToken} />
            <ProductFields p={p} />
            <p class="muted">A new price applies to sales from now on; past sales keep theirs.</p>
            <button type="submit">Save</button>
          </form>
        </Layout>,
      );
    },
  ),
  page(
    {
      method: "get",
      path: "/admin/catalog/shops/{id}",
      name: "shop",
      guard: admin,
      request: params,
    },
    async (c) => {
      const s = await getShop(c.var.ctx.db, c.req.valid("param").id);
      const ctx = pageContext(c);
      return c.html(
        <Layout title={`Shop: ${s.name}`} page={ctx} current="/admin/catalog">
          <form method="post" action={`/admin/catalog/shops/${s.id}`} class="stack">
            <Csrf token={ctx.csrfToken} />
            <ShopFields s={s} />
            <button type="submit">Save</button>
          </form>
        </Layout>,
      );
    },
  ),
];

const writes = [
  page(
    { method: "post", path: "/admin/catalog/products", name: "createProduct", guard: admin },
    async (c) => {
      const parsed = createProductSchema.safeParse(await productInput(c));
      if (!parsed.success) return redirectWith(c, "/admin/catalog", refusal(parsed.error));
      const b = parsed.data;
      const p = await createProduct(c.var.ctx, {
        name: b.name,
        model: b.model,
        priceMinor: b.price,
        releaseDate: b.release_date,
      });
      return redirectWith(c, "/admin/catalog", `Product ${p.name} added.`);
    },
  ),
  page(
    {
      method: "post",
      path: "/admin/catalog/products/{id}",
      name: "updateProduct",
      guard: admin,
      request: params,
    },
    async (c) => {
      const id = c.req.valid("param").id;
      const parsed = updateProductSchema.safeParse(await productInput(c));
      if (!parsed.success)
        return redirectWith(c, `/admin/catalog/products/${id}`, refusal(parsed.error));
      const b = parsed.data;
      await updateProduct(
        c.var.ctx,
        id,
        definedFields({
          name: b.name,
          model: b.model,
          priceMinor: b.price,
          releaseDate: b.release_date,
        }),
      );
      return redirectWith(c, "/admin/catalog", "Product saved.");
    },
  ),
  page(
    { method: "post", path: "/admin/catalog/shops", name: "createShop", guard: admin },
    async (c) => {
      const parsed = createShopSchema.safeParse(await shopInput(c));
      if (!parsed.success) return redirectWith(c, "/admin/catalog", refusal(parsed.error));
      const b = parsed.data;
      const s = await createShop(c.var.ctx, {
        name: b.name,
        address: b.address,
        companyId: b.company_id ?? null,
        timeZone: b.time_zone ?? "UTC",
        dayStartMinutes: b.day_starts_at ?? 0,
      });
      return redirectWith(c, "/admin/catalog", `Shop ${s.name} added.`);
    },
  ),
  page(
    {
      method: "post",
      path: "/admin/catalog/shops/{id}",
      name: "updateShop",
      guard: admin,
      request: params,
    },
    async (c) => {
      const id = c.req.valid("param").id;
      const parsed = updateShopSchema.safeParse(await shopInput(c));
      if (!parsed.success)
        return redirectWith(c, `/admin/catalog/shops/${id}`, refusal(parsed.error));
      const b = parsed.data;
      const saved = await updateShop(
        c.var.ctx,
        id,
        definedFields({
          name: b.name,
          address: b.address,
          companyId: b.company_id,
          timeZone: b.time_zone,
          dayStartMinutes: b.day_starts_at,
        }),
      );
      // A new business day: the job moving the shop's history, and its progress.
      if (saved.rebuildJobId !== undefined)
        return c.redirect(`/admin/jobs/${saved.rebuildJobId}`, 303);
      return redirectWith(c, "/admin/catalog", "Shop saved.");
    },
  ),
];

export const catalogPages = [overview, ...editPages, ...writes];
