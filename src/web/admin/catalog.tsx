import { z } from "@hono/zod-openapi";
import { idParams } from "../../lib/ids";
import { definedFields } from "../../lib/sql";
import {
  createProduct,
  createProductSchema,
  createShop,
  createShopSchema,
  updateProduct,
  updateProductSchema,
  updateShop,
  updateShopSchema,
} from "../../modules/catalog";
import { guards } from "../../platform/http/guards";
import { emptyForm, listPageQuery, page, redirectWith, submitForm } from "../page";
import { productInput, shopInput } from "./catalog-forms";
import { renderProduct, renderProducts, renderShop, renderShops } from "./catalog-views";

const admin = guards.admin;
const searchQuery = listPageQuery.extend({ q: z.string().trim().max(100).optional() });

const params = { params: idParams };

const views = [
  page(
    {
      method: "get",
      path: "/admin/catalog",
      name: "catalog",
      guard: admin,
      request: { query: searchQuery },
    },
    async (c) => c.html(await renderProducts(c, c.req.valid("query"), emptyForm)),
  ),
  page(
    {
      method: "get",
      path: "/admin/catalog/shops",
      name: "shops",
      guard: admin,
      request: { query: searchQuery },
    },
    async (c) => c.html(await renderShops(c, c.req.valid("query"), emptyForm)),
  ),
  page(
    {
      method: "get",
      path: "/admin/catalog/products/{id}",
      name: "product",
      guard: admin,
      request: params,
    },
    async (c) => c.html(await renderProduct(c, c.req.valid("param").id, emptyForm)),
  ),
  page(
    {
      method: "get",
      path: "/admin/catalog/shops/{id}",
      name: "shop",
      guard: admin,
      request: params,
    },
    async (c) => c.html(await renderShop(c, c.req.valid("param").id, emptyForm)),
  ),
];

// Every write: a refusal shows the same form again (submitForm); success goes back to the
// list with a flash.
const writes = [
  page(
    { method: "post", path: "/admin/catalog/products", name: "createProduct", guard: admin },
    async (c) => {
      const { values, input } = await productInput(c);
      return submitForm(c, {
        values,
        parsed: createProductSchema.safeParse(input),
        render: (form) => renderProducts(c, {}, form),
        save: async (b) => {
          const p = await createProduct(c.var.ctx, {
            name: b.name,
            model: b.model,
            priceMinor: b.price,
            prices: b.prices ?? {},
            releaseDate: b.release_date,
          });
          return redirectWith(c, "/admin/catalog", `Product ${p.name} added.`);
        },
      });
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
      const { values, input } = await productInput(c);
      return submitForm(c, {
        values,
        parsed: updateProductSchema.safeParse(input),
        render: (form) => renderProduct(c, id, form),
        save: async (b) => {
          await updateProduct(
            c.var.ctx,
            id,
            definedFields({
              name: b.name,
              model: b.model,
              priceMinor: b.price,
              prices: b.prices,
              releaseDate: b.release_date,
            }),
          );
          return redirectWith(c, "/admin/catalog", "Product saved.");
        },
      });
    },
  ),
  page(
    { method: "post", path: "/admin/catalog/shops", name: "createShop", guard: admin },
    async (c) => {
      const { values, input } = await shopInput(c);
      return submitForm(c, {
        values,
        parsed: createShopSchema.safeParse(input),
        render: (form) => renderShops(c, {}, form),
        save: async (b) => {
          const s = await createShop(c.var.ctx, {
            name: b.name,
            address: b.address,
            companyId: b.company_id ?? null,
            timeZone: b.time_zone ?? "UTC",
            dayStartMinutes: b.day_starts_at ?? 0,
            currency: b.currency ?? c.var.ctx.config.CURRENCY,
          });
          return redirectWith(c, "/admin/catalog/shops", `Shop ${s.name} added.`);
        },
      });
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
      const { values, input } = await shopInput(c);
      return submitForm(c, {
        values,
        parsed: updateShopSchema.safeParse(input),
        render: (form) => renderShop(c, id, form),
        save: async (b) => {
          const saved = await updateShop(
            c.var.ctx,
            id,
            definedFields({
              name: b.name,
              address: b.address,
              companyId: b.company_id,
              timeZone: b.time_zone,
              dayStartMinutes: b.day_starts_at,
              currency: b.currency,
            }),
          );
          // A new business day: the job moving the shop's history, and its progress.
          if (saved.rebuildJobId !== undefined) {
            return c.redirect(`/admin/jobs/${saved.rebuildJobId}`, 303);
          }
          return redirectWith(c, "/admin/catalog/shops", "Shop saved.");
        },
      });
    },
  ),
];

export const catalogPages = [...views, ...writes];
