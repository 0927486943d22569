import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf, shardStub } from "../../../src/modules/sales/core/shards";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";
import { type HeldD1, holdReads } from "../../support/held-d1";
import { admin } from "../../support/http";
import { createProduct, createShop, flush, postBatch, sale } from "../../support/sales";

// The shard's look-up of client ids it may have flushed already (the one D1 read on the append
// path): held open while a flush commits, so the flush moves a retried transaction from the
// buffer into the window of flushed ids in between.
const isFlushedLookup = (sql: string) => /sales_dead_letters/.test(sql) && /UNION ALL/.test(sql);

/**
 * Posts `items` as a batch while the shard's look-up is held, flushes the shard during the hold,
 * then lets the look-up go; returns the batch's per-item statuses.
 */
async function postAcrossAFlush(shopId: number, items: Record<string, unknown>[]) {
  const stub = shardStub(env, shardOf(shopId));
  const inShard = <T>(fn: (o: { env: Env; hold?: HeldD1 }) => T) =>
    runInDurableObject(stub, (o: SalesIngest) => fn(o as unknown as { env: Env; hold?: HeldD1 }));
  // The shard's own binding, wrapped in the shard's context (I/O objects belong to one object).
  const original = await inShard((o) => {
    const own = o.env;
    o.hold = holdReads(own.DB, isFlushedLookup);
    o.env = { ...own, DB: o.hold.db };
    return own;
  });
  try {
    const answer = admin("/api/v1/sales/batch", { body: { sales: items } });
    while (!(await inShard((o) => o.hold?.isHeld()))) await scheduler.wait(1);
    expect(await stub.flushAll()).toBeGreaterThan(0);
    await inShard((o) => o.hold?.release());
    const res = await answer;
    expect(res.status).toBe(202);
    return (res.json.results as { status: string }[]).map((r) => r.status);
  } finally {
    await inShard((o) => {
      o.hold?.release();
      o.env = original;
      delete o.hold;
    });
  }
}

const count = async (table: string, idColumn: string, shopId: number, id: string) =>
  (
    await env.DB.prepare(`select count(*) as n from ${table} where shop_id = ? and ${idColumn} = ?`)
      .bind(shopId, id)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("an id is answered accepted at most once, whatever a flush does meanwhile", () => {
  it("a retried sale whose flush commits during the shard's look-up is a duplicate", async () => {
    const [product, shop] = await Promise.all([createProduct(7), createShop()]);
    // One id flushed already (the group's look-up goes to D1 for it), one still buffered.
    const flushed = sale(product.id, shop.id);
    const buffered = sale(product.id, shop.id);
    await postBatch([flushed]);
    await flush();
    expect((await postBatch([buffered])).accepted).toBe(1);

    const statuses = await postAcrossAFlush(shop.id, [flushed, buffered]);
    expect(statuses).toEqual(["duplicate", "duplicate"]);
    // Nothing was buffered again: the shard is empty and D1 holds each sale once.
    expect(await shardStub(env, shardOf(shop.id)).buffered()).toBe(0);
    await flush();
    expect(await count("sales", "sale_id", shop.id, buffered.id)).toBe(1);
  });

  it("a retried refund whose flush commits during the look-up is a duplicate and refunds once", async () => {
    const [product, shop] = await Promise.all([createProduct(7), createShop()]);
    const sold = sale(product.id, shop.id, { quantity: 2 });
    const flushed = sale(product.id, shop.id);
    await postBatch([sold, flushed]);
    await flush();
    const refund = {
      type: "refund",
      id: `r-${sold.id}`,
      shop_id: shop.id,
      sale_id: sold.id,
      quantity: 1,
    };
    expect((await postBatch([refund])).accepted).toBe(1);

    const statuses = await postAcrossAFlush(shop.id, [flushed, refund]);
    expect(statuses).toEqual(["duplicate", "duplicate"]);
    // The shard's ledger counted the refund once: the second item of the sale is still refundable.
    const second = { ...refund, id: `r2-${sold.id}` };
    expect(await postBatch([second])).toMatchObject({ accepted: 1, rejected: [] });
    await flush();
    expect(await count("refunds", "refund_id", shop.id, refund.id)).toBe(1);
    expect(await count("refunds", "sale_id", shop.id, sold.id)).toBe(2);
  });
});
