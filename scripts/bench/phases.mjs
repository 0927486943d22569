// The measured phases of `npm run bench`, in order, sharing one runtime and one D1.

export async function runPhases(kit) {
  const { log, base, shops, randomSale, load, p50Of, month, ingestBatches, flushAll, d1, BIG } =
    kit;
  const r = {};

  log("1 000 sales, then top-10 latency");
  await ingestBatches(1000);
  await flushAll();
  r.smallShopsP50 = await p50Of(`/api/v1/reports/top-shops?month=${month}`);
  r.smallProductsP50 = await p50Of("/api/v1/reports/top-products");

  log(`empty route, ${kit.SECONDS} s`);
  await load(() => fetch(`${base}/api/bench/empty`), { seconds: 1 });
  r.empty = await load(() => fetch(`${base}/api/bench/empty`));

  const singleSale = (p) => (i) => {
    const s = randomSale(i + 1_000_000_000);
    const shop = shops.find((x) => x.id === s.shop_id);
    return fetch(`${base}${p}`, {
      method: "POST",
      headers: { authorization: `Bearer ${shop.key}`, "content-type": "application/json" },
      body: JSON.stringify(s),
    });
  };
  log("ceilings: a shard round trip alone, the Worker's work for a sale alone");
  await load(() => fetch(`${base}/api/bench/shard-read`), { seconds: 1 });
  r.shardRead = await load(() => fetch(`${base}/api/bench/shard-read`));
  await load(singleSale("/api/bench/sale-unstored"), { seconds: 1 });
  r.unstored = await load(singleSale("/api/bench/sale-unstored"));
  log("single-sale ingest");
  await load(singleSale("/api/v1/sales"), { seconds: 1 });
  r.ingest = await load(singleSale("/api/v1/sales"));
  log("naive one-INSERT-per-request route");
  await load(singleSale("/api/bench/naive-sale"), { seconds: 1 });
  r.naive = await load(singleSale("/api/bench/naive-sale"));
  await flushAll();

  log("batch: the Worker's work alone, 100 000 sales");
  r.batchUnstored = await kit.ingestBatches(100_000, { path: "/api/bench/batch-unstored" });

  const counted = async () =>
    Number((await d1.prepare("select count(*) as n from sales").first()).n);
  const start = await counted();
  log(`batch ingest with client ids, from ${start} to ${BIG} sales in D1`);
  const segments = [];
  const started = performance.now();
  let heap = Promise.resolve(0);
  await ingestBatches(BIG - start, {
    onSegment: (rate) => {
      segments.push(rate);
      if (segments.length === 5) heap = kit.sampleHeap();
    },
  });
  r.heapPeak = await heap;
  r.finalFlush = await flushAll();
  r.sustained = (BIG - start) / ((performance.now() - started) / 1000);
  r.segments = segments;
  r.inD1 = await counted();

  log("batch ingest without ids (server ids), 100 000 sales");
  r.withoutIds = await ingestBatches(100_000, { withIds: false });
  await flushAll();

  log("top-10 latency at the end");
  r.bigShopsP50 = await p50Of(`/api/v1/reports/top-shops?month=${month}`);
  r.bigProductsP50 = await p50Of("/api/v1/reports/top-products");
  r.topQuantity = (
    await (await fetch(`${base}/api/v1/reports/top-products`, { headers: kit.adminHeaders })).json()
  ).items[0]?.quantity;

  log("order upload: 1 000 orders x 3 items");
  r.upload = await uploadOrders(kit);
  return r;
}

async function uploadOrders({ base, adminHeaders }) {
  const times = [];
  let statements = 0;
  const runs = 6;
  for (let run = 0; run < runs; run++) {
    const orders = Array.from({ length: 1000 }, (_, i) => ({
      order_number: `BENCH-${run % 3}-${i}`,
      created_at: "2026-11-20T10:00:00Z",
      total_amount: 45.75,
      status: run < 3 ? "new" : "paid",
      items: [1, 2, 3].map((k) => ({
        sku: `SKU-${k}`,
        name: `Item ${k}`,
        quantity: k,
        price: 7.62,
      })),
    }));
    const t = performance.now();
    const res = await fetch(`${base}/api/orders/upload`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ user: "bench_seller", orders }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`upload → ${res.status}`);
    times.push(performance.now() - t);
    statements = Number(res.headers.get("server-timing")?.match(/(\d+) statements/)?.[1] ?? 0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], statements, runs };
}
