import { describe, expect, it } from "vitest";
import { syncOf, withSeq } from "../../../src/modules/sales/terminals/seqs";
import { admin, call } from "../../support/http";
import { createKey, createProduct, createShop, flush } from "../../support/sales";

describe("held seqs as ranges", () => {
  it("merge with their neighbours and report the gaps", () => {
    let ranges: [number, number][] = [];
    for (const seq of [1, 2, 3, 7, 5, 9, 8, 3]) ranges = withSeq(ranges, seq);
    expect(ranges).toEqual([
      [1, 3],
      [5, 5],
      [7, 9],
    ]);
    expect(syncOf({ ranges, highest: 9, lastSeenAt: 0 })).toMatchObject({
      received_through: 3,
      highest_seq: 9,
      gaps: [
        [4, 4],
        [6, 6],
      ],
    });
    ranges = withSeq(withSeq(ranges, 4), 6);
    expect(ranges).toEqual([[1, 9]]);
    expect(syncOf({ ranges: [[3, 4]], highest: 4, lastSeenAt: 0 })).toMatchObject({
      received_through: 0,
      gaps: [[1, 2]],
    });
  });
});

describe("terminal_id and seq", () => {
  it("are recorded; /sync tells what the shop's shard holds; a seq reused for another id is a 409", async () => {
    const [product, shop] = await Promise.all([createProduct(3), createShop()]);
    const key = await createKey({ scopes: ["sales:write"], shop_id: shop.id });
    const sale = (seq: number, id = `T3-${seq}`) => ({
      product_id: product.id,
      shop_id: shop.id,
      id,
      terminal_id: "T-3",
      seq,
    });
    const sync = async () => (await call("/api/v1/terminals/T-3/sync", { token: key })).json;
    expect(await sync()).toEqual({
      terminal_id: "T-3",
      shop_id: shop.id,
      received_through: 0,
      highest_seq: 0,
      gaps: [],
      last_seen_at: null,
    });
    const batch = await call("/api/v1/sales/batch", {
      token: key,
      body: {
        sales: [sale(1), sale(2), sale(4), sale(5), sale(2, "other"), sale(6), sale(6, "again")],
      },
    });
    expect(batch.json.results.map((r: { status: string }) => r.status)).toEqual([
      "accepted",
      "accepted",
      "accepted",
      "accepted",
      "rejected",
      "accepted",
      "rejected",
    ]);
    expect(batch.json.results[4].errors[0]).toMatchObject({ path: "sales[4].seq" });
    // A refund is a transaction of the terminal too.
    const refund = await call("/api/v1/refunds", {
      token: key,
      body: { id: "T3-r1", shop_id: shop.id, sale_id: "T3-1", terminal_id: "T-3", seq: 8 },
    });
    expect(refund.status).toBe(202);
    const state = await sync();
    expect(state).toMatchObject({
      received_through: 2,
      highest_seq: 8,
      gaps: [
        [3, 3],
        [7, 7],
      ],
    });
    expect(Date.now() - Date.parse(state.last_seen_at)).toBeLessThan(60_000);
    await flush();
    // After the flush: a retry of a held seq is a duplicate, a new id with it a 409.
    expect((await call("/api/v1/sales", { token: key, body: sale(4) })).json.status).toBe(
      "duplicate",
    );
    const taken = await call("/api/v1/sales", { token: key, body: sale(4, "fresh") });
    expect(taken.status).toBe(409);
    expect(taken.json.errors[0].path).toBe("seq");
    // Filling the gaps.
    await call("/api/v1/sales/batch", { token: key, body: { sales: [sale(3), sale(7)] } });
    expect(await sync()).toMatchObject({ received_through: 8, highest_seq: 8, gaps: [] });
  });

  it("go together; /sync is the shop's (the operator names it); another shop's key sees nothing", async () => {
    const [product, shop, other] = await Promise.all([
      createProduct(1),
      createShop(),
      createShop(),
    ]);
    const half = await admin("/api/v1/sales", {
      body: { product_id: product.id, shop_id: shop.id, id: "h-1", terminal_id: "T-1" },
    });
    expect(half.status).toBe(400);
    expect(half.json.errors[0].path).toBe("seq");
    await admin("/api/v1/sales", {
      body: { product_id: product.id, shop_id: shop.id, id: "h-2", terminal_id: "T-1", seq: 1 },
    });
    expect((await admin("/api/v1/terminals/T-1/sync")).status).toBe(400);
    const byOperator = await admin(`/api/v1/terminals/T-1/sync?shop_id=${shop.id}`);
    expect(byOperator.json).toMatchObject({ shop_id: shop.id, received_through: 1 });
    const foreign = await createKey({ scopes: ["sales:write"], shop_id: other.id });
    const theirs = await call("/api/v1/terminals/T-1/sync", { token: foreign });
    expect(theirs.json).toMatchObject({ shop_id: other.id, highest_seq: 0 });
    expect(
      (await call(`/api/v1/terminals/T-1/sync?shop_id=${shop.id}`, { token: foreign })).status,
    ).toBe(404);
    expect((await call("/api/v1/terminals/bad%20id/sync", { token: foreign })).status).toBe(400);
  });
});
