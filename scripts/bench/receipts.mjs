// The bench's receipts phase (docs/API.md#receipts): 3-line receipts in batches against one-line
// sales, in the same run and from the same point of the database (UUIDv7 ids, 1 000 a batch, 4
// in flight), with the rows each writes and the D1 bytes each adds.
import { uuidv7 } from "./ceiling.mjs";

/** The database's size in bytes, as D1 reports it with every statement. */
async function d1Bytes(d1) {
  const { meta } = await d1.prepare("SELECT 1").run();
  return Number(meta.size_after);
}

/** Receipts (or sales) per second for `count` of them, and their rows and D1 bytes each. */
async function phase(kit, count, make) {
  const { post, flushAll, rowCounts, d1 } = kit;
  await flushAll();
  await rowCounts(true);
  const bytesBefore = await d1Bytes(d1);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const from = next;
        next += 1000;
        const sales = Array.from({ length: 1000 }, (_, k) => make(from + k));
        const r = await post("/api/v1/sales/batch", { sales });
        if (r.accepted !== sales.length) throw new Error(`batch accepted ${r.accepted}`);
      }
    }),
  );
  const perSecond = count / ((performance.now() - started) / 1000);
  await flushAll();
  const { tables, requests } = await rowCounts(true);
  const rows = Object.entries(tables).map(([table, t]) => ({
    table,
    written: t.written / count,
    read: t.read / count,
  }));
  const sum = (k) => rows.reduce((n, row) => n + row[k], 0);
  return {
    perSecond,
    rows,
    written: sum("written"),
    read: sum("read"),
    doRequests: requests / count,
    bytes: ((await d1Bytes(d1)) - bytesBefore) / count,
  };
}

export async function receiptsPhase(kit, count = 200_000) {
  const { randomSale, products, shops } = kit;
  const sales = await phase(kit, count, (i) => ({
    ...randomSale(4_000_000_000 + i, false),
    id: uuidv7(),
  }));
  // Three lines each: a promotion below the catalog price, a line discount, tax on every line,
  // and a discount on the whole receipt, spread by the server.
  const receipts = await phase(kit, count, (i) => ({
    id: uuidv7(),
    shop_id: shops[i % shops.length].id,
    lines: [0, 1, 2].map((k) => ({
      product_id: products[(i * 7 + k * 131) % products.length],
      quantity: 1 + ((i + k) % 3),
      ...(k === 0 && { unit_price: 9.99 }),
      ...(k === 1 && { discount: 0.5 }),
      tax: 1.2,
    })),
    discount: 0.3,
  }));
  return { sales, receipts, count };
}
