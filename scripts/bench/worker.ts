// The benchmark's Worker: the production Worker plus two baselines it is measured against.
// Built and served only by `npm run bench`; never part of the deployed bundle.
import { Hono } from "hono";
import type { AppEnv } from "../../src/env";
import worker from "../../src/index";
import { links } from "../../src/modules";
import { authenticateBearer } from "../../src/modules/auth";
import { resolveCatalog } from "../../src/modules/catalog";
import { saleSchema } from "../../src/modules/sales/dto";
import { createServiceContext } from "../../src/platform/context";

export { Rankings, SalesIngest } from "../../src/index";

const baselines = new Hono<AppEnv>();
baselines.use(async (c, next) => {
  c.set("ctx", createServiceContext(c.env, { kind: "anonymous" }, links));
  await next();
});

// The cheapest route the runtime can serve: the ceiling for every other route.
baselines.get("/bench/empty", (c) => c.json({ ok: true }));

// The design the sharded buffer replaces: the same checks, then one D1 INSERT per request
// (into the bench's own table, which the bench script creates).
baselines.post("/bench/naive-sale", async (c) => {
  await authenticateBearer(c);
  const sale = saleSchema.parse(await c.req.json());
  const catalog = await resolveCatalog(c.var.ctx.db, [sale.product_id], [sale.shop_id]);
  const product = catalog.products.get(sale.product_id);
  if (!product || !catalog.shops.has(sale.shop_id)) return c.json({ error: "unknown" }, 404);
  const id = sale.id ?? crypto.randomUUID();
  await c.env.DB.prepare(
    `INSERT INTO naive_sales (shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
    .bind(sale.shop_id, id, sale.product_id, sale.quantity, product.priceMinor, Date.now())
    .run();
  return c.json({ id, status: "accepted" }, 202);
});

export default {
  ...worker,
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    return pathname.startsWith("/bench/")
      ? baselines.fetch(request, env, ctx)
      : worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
