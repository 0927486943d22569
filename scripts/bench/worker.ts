// The benchmark's Worker: the production app plus baseline and ceiling routes measured against it.
// Built and served only by `npm run bench`; never part of the deployed bundle.
import { DurableObject } from "cloudflare:workers";
import { createApp } from "../../src/app";
import worker from "../../src/index";
import { authenticateBearer } from "../../src/modules/auth";
import { resolveCatalog } from "../../src/modules/catalog";
import { rankingsStub, SHARD_COUNT, shardStub } from "../../src/modules/sales/core/shards";
import { batchSchema, saleSchema } from "../../src/modules/sales/ingest/dto";
import { prepareTransactions, withSaleId } from "../../src/modules/sales/ingest/prepare";

export { Rankings, SalesIngest } from "../../src/index";

// The baselines are routes of the same app, behind the same middleware (request id, log,
// headers, body checks, context) as every API route.
const app = createApp();

// The cheapest route the Worker can serve: the ceiling for every other route.
app.get("/api/bench/empty", (c) => c.json({ ok: true }));

// Ceilings of the single-sale path, measured in the same run: a shard round trip that writes
// nothing (a count of its buffer), and the Worker's own work for a sale (key, validation,
// catalog, price) without the round trip.
app.get("/api/bench/shard-read", async (c) => {
  const shard = Math.floor(Math.random() * SHARD_COUNT);
  return c.json({ buffered: await shardStub(c.env, shard).buffered() });
});
// The platform's part of a sale's write: one row inserted and committed in an object of the
// bench's own (not a shard: nothing of ours around it), one of eight like the shards.
export class BenchWriter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS writes (at INTEGER NOT NULL, body TEXT NOT NULL)",
    );
  }

  write(body: string): void {
    this.ctx.storage.sql.exec("INSERT INTO writes (at, body) VALUES (?, ?)", Date.now(), body);
  }
}
app.post("/api/bench/shard-write", async (c) => {
  const writers = (c.env as Env & { BENCH_WRITER: DurableObjectNamespace<BenchWriter> })
    .BENCH_WRITER;
  const writer = writers.get(writers.idFromName(`writer-${Math.floor(Math.random() * 8)}`));
  await writer.write(await c.req.text());
  return c.json({ ok: true }, 202);
});
app.post("/api/bench/sale-unstored", async (c) => {
  await authenticateBearer(c);
  const input = saleSchema.parse(await c.req.json());
  const [prepared] = await prepareTransactions(c.var.ctx, [
    { type: "sale", input: withSaleId(input, input.id) },
  ]);
  return c.json({ prepared: prepared !== undefined }, 202);
});
// The batch route's Worker work (validation of each item, catalog, prices) without the shards.
app.post("/api/bench/batch-unstored", async (c) => {
  await authenticateBearer(c);
  const { sales } = batchSchema.parse(await c.req.json());
  const inputs = sales.map((item) => saleSchema.parse(item)).map((s) => withSaleId(s, s.id));
  const prepared = await prepareTransactions(
    c.var.ctx,
    inputs.map((input) => ({ type: "sale" as const, input })),
  );
  return c.json({ accepted: prepared.length, duplicates: 0, rejected: [] }, 202);
});

// The design the sharded buffer replaces: the same checks, then one D1 INSERT per request
// (into the bench's own table, which the bench script creates).
app.post("/api/bench/naive-sale", async (c) => {
  await authenticateBearer(c);
  const sale = saleSchema.parse(await c.req.json());
  const productId = sale.product_id ?? 0;
  const catalog = await resolveCatalog(c.var.ctx.db, [productId], [sale.shop_id]);
  const product = catalog.products.get(productId);
  if (!product || !catalog.shops.has(sale.shop_id)) return c.json({ error: "unknown" }, 404);
  const id = sale.id ?? crypto.randomUUID();
  await c.env.DB.prepare(
    `INSERT INTO naive_sales (shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
    .bind(sale.shop_id, id, productId, sale.quantity ?? 1, product.priceMinor, Date.now())
    .run();
  return c.json({ id, status: "accepted" }, 202);
});

// What every shard and the Rankings object counted since the last reset: rows read and written
// by table (the runtime's own counters, D1's included) and the requests they served.
app.post("/api/bench/rows", async (c) => {
  const reset = c.req.query("reset") === "1";
  const snapshots = await Promise.all([
    ...Array.from({ length: SHARD_COUNT }, (_, shard) => shardStub(c.env, shard).rowCounts(reset)),
    rankingsStub(c.env).rowCounts(reset),
  ]);
  const tables: Record<string, { read: number; written: number }> = {};
  let requests = 0;
  for (const snapshot of snapshots) {
    requests += snapshot.requests;
    for (const [table, rows] of Object.entries(snapshot.tables)) {
      const sum = tables[table] ?? { read: 0, written: 0 };
      sum.read += rows.read;
      sum.written += rows.written;
      tables[table] = sum;
    }
  }
  return c.json({ tables, requests });
});

export default { ...worker, fetch: app.fetch } satisfies ExportedHandler<Env>;
