import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { authenticate, requireScope } from "../../lib/auth";
import { ApiError } from "../../lib/errors";
import { validationError } from "../../lib/validation";
import { saleSchema } from "./dto";
import { prepareSales } from "./ingest";
import { sales } from "./schema";

/**
 * Baselines for `npm run bench`, served only when BENCH_ROUTES is "true" (never in
 * wrangler.toml): an empty route, and the naive design the hot path is measured against.
 */
export const benchRoutes = new Hono<AppEnv>();

benchRoutes.use(async (c, next) => {
  if (c.env.BENCH_ROUTES !== "true")
    throw new ApiError("not_found", `There is no route ${c.req.path}.`);
  await next();
});

benchRoutes.get("/empty", (c) => c.json({ ok: true }));

benchRoutes.post("/naive-sale", authenticate, requireScope("sales:write"), async (c) => {
  const parsed = saleSchema.safeParse(await c.req.json());
  if (!parsed.success) throw validationError(parsed.error, "request body");
  const id = parsed.data.id ?? crypto.randomUUID();
  const [prepared] = await prepareSales(
    c.var.db,
    c.var.principal,
    [{ ...parsed.data, id }],
    Date.now(),
  );
  if (!prepared || "rejection" in prepared)
    throw new ApiError("not_found", "unknown product or shop");
  // One D1 INSERT per request: what the sharded buffer replaces.
  await c.var.db
    .insert(sales)
    .values({
      ...prepared.sale,
      soldAt: new Date(prepared.sale.soldAt),
      flushShard: -1,
      flushSeq: 0,
    })
    .onConflictDoNothing();
  return c.json({ id, status: "accepted" }, 202);
});
