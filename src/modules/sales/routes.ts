import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../../env";
import { authenticate, requireScope } from "../../lib/auth";
import { ApiError } from "../../lib/errors";
import { toMajor } from "../../lib/money";
import {
  bearer,
  createRouter,
  errors,
  idParamSchema,
  jsonBody,
  jsonResponse,
} from "../../lib/openapi";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { fieldErrors } from "../../lib/validation";
import { companiesCarrying } from "../network/service";
import {
  createProduct,
  createShop,
  deleteProduct,
  getProduct,
  listProducts,
  listShops,
  type Product,
  productHasSales,
  type Shop,
  updateProduct,
  updateShop,
} from "./catalog";
import {
  batchResultSchema,
  batchSchema,
  createProductSchema,
  createShopSchema,
  monthSchema,
  productSchema,
  saleAcceptedSchema,
  saleIdSchema,
  saleSchema,
  shopSchema,
  topProductsSchema,
  topShopsSchema,
  updateProductSchema,
  updateShopSchema,
} from "./dto";
import { appendSales, prepareSales } from "./ingest";
import { currentMonth, flushAllShards, rebuildRankings, topProducts, topShops } from "./reports";

function serializeProduct(p: Product) {
  return {
    id: p.id,
    name: p.name,
    model: p.model,
    price: toMajor(p.priceMinor),
    release_date: p.releaseDate,
  };
}

function serializeShop(s: Shop) {
  return { id: s.id, name: s.name, address: s.address, company_id: s.companyId };
}

export const catalogRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/products",
      tags: ["Catalog"],
      summary: "List products",
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(pageSchema(productSchema), "A page of products"),
        400: errors[400],
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(
        toPage(await listProducts(c.var.db, decodeCursor(cursor), limit), limit, serializeProduct),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/shops",
      tags: ["Catalog"],
      summary: "List shops",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(shopSchema), "A page of shops"), 400: errors[400] },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(
        toPage(await listShops(c.var.db, decodeCursor(cursor), limit), limit, serializeShop),
        200,
      );
    },
  );

const adminErrors = { 400: errors[400], 401: errors[401], 403: errors[403] };

export const catalogAdminRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/products",
      tags: ["Catalog"],
      summary: "List products (admin)",
      security: bearer,
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(pageSchema(productSchema), "A page of products"),
        ...adminErrors,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listProducts(c.var.db, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeProduct), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/products/{id}",
      tags: ["Catalog"],
      summary: "One product",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        200: jsonResponse(productSchema, "The product"),
        ...adminErrors,
        404: errors[404],
      },
    }),
    async (c) => c.json(serializeProduct(await getProduct(c.var.db, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/products/{id}",
      tags: ["Catalog"],
      summary: "Delete a product that was never sold and no company carries",
      description:
        "A product with sales history or carried by a company is kept (409): history refers to it.",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        204: { description: "Deleted" },
        ...adminErrors,
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await getProduct(c.var.db, id);
      if ((await productHasSales(c.var.db, id)) || (await companiesCarrying(c.var.db, id)) > 0) {
        throw new ApiError(
          "conflict",
          `Product ${id} has sales or is carried by a company; it stays in the catalog.`,
        );
      }
      await deleteProduct(c.var.db, id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/products",
      tags: ["Catalog"],
      summary: "Create a product",
      security: bearer,
      request: { body: jsonBody(createProductSchema) },
      responses: { 201: jsonResponse(productSchema, "The product"), ...adminErrors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const row = await createProduct(c.var.db, {
        name: b.name,
        model: b.model,
        priceMinor: b.price,
        releaseDate: b.release_date,
      });
      return c.json(serializeProduct(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/products/{id}",
      tags: ["Catalog"],
      summary: "Update a product (past sales keep their price)",
      security: bearer,
      request: { params: idParamSchema, body: jsonBody(updateProductSchema) },
      responses: {
        200: jsonResponse(productSchema, "The product"),
        ...adminErrors,
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const b = c.req.valid("json");
      const row = await updateProduct(c.var.db, id, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.model !== undefined && { model: b.model }),
        ...(b.price !== undefined && { priceMinor: b.price }),
        ...(b.release_date !== undefined && { releaseDate: b.release_date }),
      });
      return c.json(serializeProduct(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/shops",
      tags: ["Catalog"],
      summary: "Create a shop",
      security: bearer,
      request: { body: jsonBody(createShopSchema) },
      responses: { 201: jsonResponse(shopSchema, "The shop"), ...adminErrors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const row = await createShop(c.var.db, {
        name: b.name,
        address: b.address,
        companyId: b.company_id ?? null,
      });
      return c.json(serializeShop(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/shops/{id}",
      tags: ["Catalog"],
      summary: "Update a shop",
      security: bearer,
      request: { params: idParamSchema, body: jsonBody(updateShopSchema) },
      responses: { 200: jsonResponse(shopSchema, "The shop"), ...adminErrors, 404: errors[404] },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const b = c.req.valid("json");
      const row = await updateShop(c.var.db, id, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.address !== undefined && { address: b.address }),
        ...(b.company_id !== undefined && { companyId: b.company_id }),
      });
      return c.json(serializeShop(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/rankings/rebuild",
      tags: ["Sales"],
      summary: "Rebuild the top-10 rankings from the D1 rollups",
      security: bearer,
      responses: {
        200: jsonResponse(
          z.object({
            shops: z.number().int(),
            products: z.number().int(),
            reapplied: z.number().int(),
          }),
          "Rollup rows loaded",
        ),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await rebuildRankings(c.env, c.var.db), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/sales/flush",
      tags: ["Sales"],
      summary: "Flush every shard's buffered sales to D1 now",
      security: bearer,
      responses: {
        200: jsonResponse(z.object({ flushed: z.number().int() }), "Sales written"),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json({ flushed: await flushAllShards(c.env) }, 200),
  );

const salesErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  413: errors[413],
  415: errors[415],
};

export const salesRoutes = createRouter();
salesRoutes.use(authenticate, requireScope("sales:write"));
salesRoutes
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["Sales"],
      summary: "Record one sale",
      description:
        "202 means the sale is durably stored. A retry with the same `id` (or `Idempotency-Key`) answers " +
        "`duplicate` and is counted once. The unit price is the catalog price when the sale is accepted.",
      security: bearer,
      request: {
        headers: z.object({ "idempotency-key": saleIdSchema.optional() }),
        body: jsonBody(saleSchema),
      },
      responses: {
        202: jsonResponse(saleAcceptedSchema, "Stored"),
        ...salesErrors,
        404: errors[404],
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const key = c.req.valid("header")["idempotency-key"];
      if (body.id !== undefined && key !== undefined && body.id !== key) {
        throw new ApiError("validation_failed", "The body id and the Idempotency-Key differ.", {
          errors: [{ path: "id", message: "must equal the Idempotency-Key header" }],
        });
      }
      const id = body.id ?? key ?? crypto.randomUUID();
      const [prepared] = await prepareSales(
        c.var.db,
        c.var.principal,
        [{ ...body, id }],
        Date.now(),
      );
      if (!prepared) throw new Error("nothing prepared");
      if ("rejection" in prepared) {
        const { status, errors: fieldErrs } = prepared.rejection;
        throw new ApiError(
          status === 403 ? "forbidden" : "not_found",
          fieldErrs.map((e) => e.message).join("; "),
          {
            errors: fieldErrs,
          },
        );
      }
      const [status] = await appendSales(c.env, [prepared.sale]);
      return c.json({ id, status: status ?? "accepted" }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/batch",
      tags: ["Sales"],
      summary: "Record up to 1000 sales",
      description:
        "Valid items are stored; invalid ones are listed in `rejected` by index and change nothing.",
      security: bearer,
      request: { body: jsonBody(batchSchema) },
      responses: { 202: jsonResponse(batchResultSchema, "Stored"), ...salesErrors },
    }),
    async (c) => {
      const { sales } = c.req.valid("json");
      const rejected: { index: number; errors: { path: string; message: string }[] }[] = [];
      const valid: { index: number; input: z.infer<typeof saleSchema> & { id: string } }[] = [];
      sales.forEach((item, index) => {
        const parsed = saleSchema.safeParse(item);
        if (parsed.success)
          valid.push({
            index,
            input: { ...parsed.data, id: parsed.data.id ?? crypto.randomUUID() },
          });
        else rejected.push({ index, errors: fieldErrors(parsed.error, ["sales", index]) });
      });
      const prepared = await prepareSales(
        c.var.db,
        c.var.principal,
        valid.map((v) => v.input),
        Date.now(),
      );
      const toAppend = [];
      for (const [i, p] of prepared.entries()) {
        const index = valid[i]?.index as number;
        if ("rejection" in p) {
          rejected.push({
            index,
            errors: p.rejection.errors.map((e) => ({
              path: `sales[${index}].${e.path}`,
              message: e.message,
            })),
          });
        } else toAppend.push(p.sale);
      }
      const statuses = toAppend.length > 0 ? await appendSales(c.env, toAppend) : [];
      rejected.sort((a, b) => a.index - b.index);
      return c.json(
        {
          accepted: statuses.filter((s) => s === "accepted").length,
          duplicates: statuses.filter((s) => s === "duplicate").length,
          rejected,
        },
        202,
      );
    },
  );

// Reports are read-mostly and identical for every reader: a short shared cache in front of
// the Rankings object (1 s keeps reports within the 2 s staleness bound), and ETags.
// REPORT_CACHE_SECONDS=0 (the benchmark) measures the uncached path.
function reportCacheSeconds(env: Env): number {
  const seconds = Number(env.REPORT_CACHE_SECONDS ?? 1);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 1) : 1;
}

async function cachedReport<T>(
  c: Context<AppEnv>,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const ttl = reportCacheSeconds(c.env);
  if (ttl === 0) return compute();
  const cacheKey = new Request(`https://reports.retail-edge.internal/${key}`);
  const hit = await caches.default.match(cacheKey);
  if (hit) return hit.json<T>();
  const value = await compute();
  c.executionCtx.waitUntil(
    caches.default.put(
      cacheKey,
      new Response(JSON.stringify(value), {
        headers: { "content-type": "application/json", "cache-control": `max-age=${ttl}` },
      }),
    ),
  );
  return value;
}

export const reportRoutes = createRouter();
reportRoutes.use(authenticate, requireScope("reports:read"), etag());
reportRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/top-shops",
      tags: ["Reports"],
      summary: "Top 10 shops by revenue in a UTC month",
      description: "Revenue desc, ties by shop_id asc. Default month: the current UTC month.",
      security: bearer,
      request: { query: z.object({ month: monthSchema.optional() }) },
      responses: { 200: jsonResponse(topShopsSchema, "The ranking"), ...adminErrors },
    }),
    async (c) => {
      const month = c.req.valid("query").month ?? currentMonth(new Date());
      const body = await cachedReport(c, `top-shops/${month}`, () =>
        topShops(c.env, c.var.db, month),
      );
      c.header("cache-control", `private, max-age=${reportCacheSeconds(c.env)}`);
      return c.json(body, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/top-products",
      tags: ["Reports"],
      summary: "Top 10 products by quantity, in a UTC month or all time",
      description: "Quantity desc, ties by product_id asc. Without `month`: all time.",
      security: bearer,
      request: { query: z.object({ month: monthSchema.optional() }) },
      responses: { 200: jsonResponse(topProductsSchema, "The ranking"), ...adminErrors },
    }),
    async (c) => {
      const month = c.req.valid("query").month ?? null;
      const body = await cachedReport(c, `top-products/${month ?? "all"}`, () =>
        topProducts(c.env, c.var.db, month),
      );
      c.header("cache-control", `private, max-age=${reportCacheSeconds(c.env)}`);
      return c.json(body, 200);
    },
  );
