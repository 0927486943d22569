import type { Db } from "../../db/client";
import { idParams } from "../../lib/ids";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { definedFields } from "../../lib/sql";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import {
  createProductSchema,
  createShopSchema,
  productSchema,
  serializeProduct,
  serializeShop,
  shopSchema,
  updateProductSchema,
  updateShopSchema,
} from "./dto";
import {
  createProduct,
  createShop,
  deleteProduct,
  deleteShop,
  getProduct,
  getShop,
  listProducts,
  listShops,
  updateProduct,
  updateShop,
} from "./service";

const tags = ["Catalog"];

async function productPage(db: Db, query: { limit: number; cursor?: string }) {
  const rows = await listProducts(db, decodeCursor(query.cursor), query.limit);
  return toPage(rows, query.limit, serializeProduct);
}
const deleted = { 204: { description: "Deleted" }, 404: errors[404], 409: errors[409] };

const productRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/products",
      operationId: "listProducts",
      guard: guards.public,
      tags,
      summary: "List products",
      description: "The product catalog, by id.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(productSchema), "A page of products") },
    },
    async (c) => c.json(await productPage(c.var.ctx.db, c.req.valid("query")), 200),
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/products",
      operationId: "adminListProducts",
      guard: guards.admin,
      tags,
      summary: "List products (admin)",
      description: "The same catalog as the public list, for the admin tools.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(productSchema), "A page of products") },
    },
    async (c) => c.json(await productPage(c.var.ctx.db, c.req.valid("query")), 200),
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/products/{id}",
      operationId: "getProduct",
      guard: guards.admin,
      tags,
      summary: "One product",
      description: "A product with its current price.",
      request: { params: idParams },
      responses: { 200: jsonResponse(productSchema, "The product"), 404: errors[404] },
    },
    async (c) =>
      c.json(serializeProduct(await getProduct(c.var.ctx.db, c.req.valid("param").id)), 200),
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/products",
      operationId: "createProduct",
      guard: guards.admin,
      tags,
      summary: "Create a product",
      description: "The price is what sales accepted from now on are priced at.",
      request: { body: jsonBody(createProductSchema) },
      responses: { 201: jsonResponse(productSchema, "The product") },
    },
    async (c) => {
      const b = c.req.valid("json");
      const row = await createProduct(c.var.ctx, {
        name: b.name,
        model: b.model,
        priceMinor: b.price,
        prices: b.prices ?? {},
        releaseDate: b.release_date,
      });
      return c.json(serializeProduct(row), 201);
    },
  ),
  defineRoute(
    {
      method: "patch",
      path: "/api/v1/admin/products/{id}",
      operationId: "updateProduct",
      guard: guards.admin,
      tags,
      summary: "Update a product (past sales keep their price)",
      description: "Only the fields sent change.",
      request: { params: idParams, body: jsonBody(updateProductSchema) },
      responses: { 200: jsonResponse(productSchema, "The product"), 404: errors[404] },
    },
    async (c) => {
      const b = c.req.valid("json");
      const row = await updateProduct(
        c.var.ctx,
        c.req.valid("param").id,
        definedFields({
          name: b.name,
          model: b.model,
          priceMinor: b.price,
          prices: b.prices,
          releaseDate: b.release_date,
        }),
      );
      return c.json(serializeProduct(row), 200);
    },
  ),
  defineRoute(
    {
      method: "delete",
      path: "/api/v1/admin/products/{id}",
      operationId: "deleteProduct",
      guard: guards.admin,
      tags,
      summary: "Delete a product that was never sold and no company carries",
      description:
        "A product with sales (flushed, or still buffered in a shard) or carried by a company is kept (409): history refers to it.",
      request: { params: idParams },
      responses: deleted,
    },
    async (c) => {
      await deleteProduct(c.var.ctx, c.req.valid("param").id);
      return c.body(null, 204);
    },
  ),
];

const shopRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/shops",
      operationId: "listShops",
      guard: guards.public,
      tags,
      summary: "List shops",
      description: "Every shop, by id.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(shopSchema), "A page of shops") },
    },
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listShops(c.var.ctx.db, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeShop), 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/shops/{id}",
      operationId: "getShop",
      guard: guards.admin,
      tags,
      summary: "One shop",
      description: "A shop and the company that runs it.",
      request: { params: idParams },
      responses: { 200: jsonResponse(shopSchema, "The shop"), 404: errors[404] },
    },
    async (c) => c.json(serializeShop(await getShop(c.var.ctx.db, c.req.valid("param").id)), 200),
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/shops",
      operationId: "createShop",
      guard: guards.admin,
      tags,
      summary: "Create a shop",
      description: "`company_id`, when given, names an existing network company.",
      request: { body: jsonBody(createShopSchema) },
      responses: { 201: jsonResponse(shopSchema, "The shop") },
    },
    async (c) => {
      const b = c.req.valid("json");
      const row = await createShop(c.var.ctx, {
        name: b.name,
        address: b.address,
        companyId: b.company_id ?? null,
        timeZone: b.time_zone ?? "UTC",
        dayStartMinutes: b.day_starts_at ?? 0,
        currency: b.currency ?? c.var.ctx.config.CURRENCY,
      });
      return c.json(serializeShop(row), 201);
    },
  ),
  defineRoute(
    {
      method: "patch",
      path: "/api/v1/admin/shops/{id}",
      operationId: "updateShop",
      guard: guards.admin,
      tags,
      summary: "Update a shop",
      description:
        "Only the fields sent change. A new `time_zone` or `day_starts_at` re-buckets the shop's whole history " +
        "into its new business days in a background job (`shop-rebucket`, see GET /api/v1/admin/jobs/{id}); " +
        "reports list the shop under `rebuilding` until it is done. New sales use the new rule at once.",
      request: { params: idParams, body: jsonBody(updateShopSchema) },
      responses: { 200: jsonResponse(shopSchema, "The shop"), 404: errors[404] },
    },
    async (c) => {
      const b = c.req.valid("json");
      const row = await updateShop(
        c.var.ctx,
        c.req.valid("param").id,
        definedFields({
          name: b.name,
          address: b.address,
          companyId: b.company_id,
          timeZone: b.time_zone,
          dayStartMinutes: b.day_starts_at,
          currency: b.currency,
        }),
      );
      return c.json(serializeShop(row), 200);
    },
  ),
  defineRoute(
    {
      method: "delete",
      path: "/api/v1/admin/shops/{id}",
      operationId: "deleteShop",
      guard: guards.admin,
      tags,
      summary: "Delete a shop that never sold anything",
      description:
        "A shop with sales (flushed, or still buffered in a shard) or with live API keys is kept (409).",
      request: { params: idParams },
      responses: deleted,
    },
    async (c) => {
      await deleteShop(c.var.ctx, c.req.valid("param").id);
      return c.body(null, 204);
    },
  ),
];

export const catalogRoutes = [...productRoutes, ...shopRoutes];
