import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveStep, freezeMonth, runArchive } from "../../../src/modules/sales/archive/job";
import { bytesFile, decodePart } from "../../../src/modules/sales/archive/parquet-read";
import { testContext } from "../../support/context";
import { ADMIN_TOKEN, admin, BASE, eventually } from "../../support/http";
import { createProduct, createShop, flush, postBatch } from "../../support/sales";

// The archive (docs/ARCHIVE.md) at the level an operator and a terminal see it: a closed month
// moved to Parquet in R2, D1 rows gone, reports unchanged, archived receipts still read back,
// refunded and recognised when sent again; and the job killed after every one of its steps.

let nextYear = 1990;
const freshMonth = () => `${nextYear++}-03`;

async function seedMonth(month: string) {
  const [a, b, shopA, shopB] = await Promise.all([
    createProduct(12.5),
    createProduct(3),
    createShop(),
    createShop(),
  ]);
  const receipts = Array.from({ length: 24 }, (_, i) => ({
    id: `AR-${month}-${i}`,
    shop_id: i % 2 === 0 ? shopA.id : shopB.id,
    sold_at: `${month}-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`,
    lines: [
      { product_id: a.id, quantity: 1 + (i % 3), discount: i % 4 === 0 ? 1.5 : 0, tax: 2.1 },
      { product_id: b.id, quantity: 2, unit_price: 2.75, tax: 0.55 },
    ],
    discount: i % 5 === 0 ? 0.99 : 0,
  }));
  const refunds = [0, 3, 7].map((i) => ({
    type: "refund",
    id: `AF-${month}-${i}`,
    shop_id: receipts[i]?.shop_id,
    sale_id: receipts[i]?.id,
    lines: [{ line: 2, quantity: 1 }],
    refunded_at: `${month}-28T18:00:00Z`,
  }));
  const stored = await postBatch([...receipts, ...refunds]);
  expect(stored.rejected).toEqual([]);
  await flush();
  return { receipts, refunds, shops: [shopA.id, shopB.id] };
}

async function reports(month: string, shops: number[]) {
  const [from, to] = [`${month}-01`, `${month}-31`];
  const chain = await admin(`/api/v1/reports/sales?from=${from}&to=${to}&interval=day`);
  const perShop = await Promise.all(
    shops.map((s) => admin(`/api/v1/reports/sales?from=${from}&to=${to}&shop_id=${s}`)),
  );
  const top = await admin(`/api/v1/reports/top-shops?month=${month}`);
  return { chain: chain.json, shops: perShop.map((r) => r.json.totals), top: top.json };
}

async function d1Rows(month: string) {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM sales WHERE business_day LIKE ?1) AS sales,
            (SELECT count(*) FROM refunds WHERE business_day LIKE ?1) AS refunds`,
  )
    .bind(`${month}-%`)
    .first<{ sales: number; refunds: number }>();
  return row;
}

async function archiveOf(month: string) {
  const list = await admin("/api/v1/admin/archive");
  expect(list.status, list.text).toBe(200);
  type Month = {
    month: string;
    state: string;
    files: { key: string; kind: string; rows: number; sha256: string; bytes: number }[];
    sales: number;
    refunds: number;
  };
  return (list.json.months as Month[]).find((m) => m.month === month) as Month;
}

describe("the archive of a closed month", () => {
  it("moves it to Parquet in R2, checked, and out of D1; every report answers the same", async () => {
    const month = freshMonth();
    const seeded = await seedMonth(month);
    const before = await reports(month, seeded.shops);
    const readBefore = await admin(
      `/api/v1/shops/${seeded.shops[0]}/sales/${seeded.receipts[0]?.id}`,
    );
    expect(readBefore.json.archived).toBe(false);

    const run = await admin(`/api/v1/admin/archive/${month}/run`, { method: "POST" });
    expect(run.status, run.text).toBe(202);
    await eventually(async () => {
      const job = await admin(`/api/v1/admin/jobs/${run.json.job_id}`);
      return job.json.status === "succeeded" ? job.json : undefined;
    }, 15_000);

    expect(await d1Rows(month)).toEqual({ sales: 0, refunds: 0 });
    const archived = await archiveOf(month);
    expect(archived).toMatchObject({ state: "archived", sales: 24, refunds: 3 });
    expect(archived.files.map((f) => f.key).sort()).toEqual([
      `refunds/month=${month}/part-0001.parquet`,
      `sales/month=${month}/part-0000.parquet`,
    ]);
    // Each file downloads as listed: its bytes, its digest, its rows.
    for (const f of archived.files) {
      const res = await exports.default.fetch(
        `${BASE}/api/v1/admin/archive/files/${encodeURIComponent(f.key)}`,
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
      const body = new Uint8Array(await res.arrayBuffer());
      const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", body))]
        .map((x) => x.toString(16).padStart(2, "0"))
        .join("");
      expect({ digest, bytes: body.byteLength }).toEqual({ digest: f.sha256, bytes: f.bytes });
      const rows = await decodePart(f.kind as "sales" | "refunds", bytesFile(body));
      expect(rows.length).toBe(f.rows);
    }
    expect(await reports(month, seeded.shops)).toEqual(before);

    // An archived receipt reads back as it was, with its refund, from R2.
    const readAfter = await admin(
      `/api/v1/shops/${seeded.shops[0]}/sales/${seeded.receipts[0]?.id}`,
    );
    expect(readAfter.status, readAfter.text).toBe(200);
    expect(readAfter.json).toEqual({ ...readBefore.json, archived: true });

    // Sent again: the same receipt is a duplicate, another body under its id a 409, and a new
    // receipt dated in the month a 409 month_archived; alone and in a batch alike.
    const first = seeded.receipts[0] as (typeof seeded.receipts)[number];
    const again = await admin("/api/v1/sales", { body: first });
    expect(again.status, again.text).toBe(202);
    expect(again.json.status).toBe("duplicate");
    const changed = await admin("/api/v1/sales", { body: { ...first, discount: 0.5 } });
    expect(changed.status).toBe(409);
    expect(changed.json.type).toBe("urn:retail-edge:problem:idempotency_key_reused");
    expect(changed.json.stored.id).toBe(first.id);
    const late = await admin("/api/v1/sales", {
      body: { ...first, id: `AR-${month}-late` },
    });
    expect(late.status, late.text).toBe(409);
    expect(late.json).toMatchObject({
      type: "urn:retail-edge:problem:month_archived",
      errors: [{ path: "sold_at", message: expect.stringContaining(month) }],
    });
    const batch = await postBatch([first, { ...first, id: `AR-${month}-late2` }]);
    expect(batch).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(batch.rejected).toMatchObject([{ index: 1, errors: [{ path: "sales[1].sold_at" }] }]);
    expect(await d1Rows(month)).toEqual({ sales: 0, refunds: 0 });

    // A refund today of an archived receipt: its lines come from R2, the shard's ledger keeps
    // each line's limit (line 2 had 2 units, one was refunded before the archive).
    const refund = await admin("/api/v1/refunds", {
      body: {
        id: `AF-${month}-today`,
        shop_id: first.shop_id,
        sale_id: first.id,
        lines: [{ line: 2, quantity: 1 }],
      },
    });
    expect(refund.status, refund.text).toBe(202);
    const tooMuch = await admin("/api/v1/refunds", {
      body: {
        id: `AF-${month}-more`,
        shop_id: first.shop_id,
        sale_id: first.id,
        lines: [{ line: 2, quantity: 1 }],
      },
    });
    expect(tooMuch.status, tooMuch.text).toBe(409);
    await flush();
    const withRefund = await admin(`/api/v1/shops/${first.shop_id}/sales/${first.id}`);
    expect(withRefund.json.archived).toBe(true);
    expect(withRefund.json.refunds.map((r: { id: string }) => r.id)).toEqual([
      `AF-${month}-0`,
      `AF-${month}-today`,
    ]);
    expect(withRefund.json.lines[1].refunded_quantity).toBe(2);
  });

  it("is finished by a rerun when it was killed after any of its steps, nothing lost or doubled", async () => {
    const ctx = testContext();
    const expected = [
      "flushed",
      "uploaded",
      "recorded",
      "uploaded",
      "recorded",
      "written",
      "deleted",
      "deleted",
      "deleted",
      "finished",
    ];
    for (let kill = 0; kill < expected.length; kill++) {
      const month = freshMonth();
      const seeded = await seedMonth(month);
      const before = await reports(month, seeded.shops);
      await freezeMonth(ctx, month);
      // The job's first `kill` steps, then nothing: what a crash after them leaves in D1 and R2.
      const done: string[] = [];
      for (let k = 0; k < kill; k++) done.push((await archiveStep(ctx, month)).step);
      expect(done, `month ${month}`).toEqual(expected.slice(0, kill));
      // The rerun finishes it from there.
      await runArchive(ctx, month);
      expect(await d1Rows(month)).toEqual({ sales: 0, refunds: 0 });
      const archived = await archiveOf(month);
      expect(archived, `killed after ${kill} steps`).toMatchObject({
        state: "archived",
        sales: 24,
        refunds: 3,
      });
      expect(archived.files).toHaveLength(2);
      const ids: string[] = [];
      for (const f of archived.files) {
        const object = (await env.ARCHIVE.get(f.key)) as R2ObjectBody;
        const rows = await decodePart(
          f.kind as "sales" | "refunds",
          bytesFile(new Uint8Array(await object.arrayBuffer())),
        );
        ids.push(...rows.map((r) => r.saleId));
      }
      expect(ids.sort()).toEqual(
        [...seeded.receipts.map((r) => r.id), ...seeded.refunds.map((r) => r.id)].sort(),
      );
      expect(await reports(month, seeded.shops)).toEqual(before);
    }
  });

  it("reopens an archived month: its rows back in D1, new sales taken, archived again to new parts", async () => {
    const month = freshMonth();
    const seeded = await seedMonth(month);
    const before = await reports(month, seeded.shops);
    const runJob = async (path: string) => {
      const res = await admin(path, { method: "POST" });
      expect(res.status, res.text).toBe(202);
      return eventually(async () => {
        const job = await admin(`/api/v1/admin/jobs/${res.json.job_id}`);
        return job.json.status === "succeeded" ? job.json : undefined;
      }, 15_000);
    };
    expect((await admin(`/api/v1/admin/archive/${month}/reopen`, { method: "POST" })).status).toBe(
      409,
    );
    await runJob(`/api/v1/admin/archive/${month}/run`);
    const first = await archiveOf(month);
    await runJob(`/api/v1/admin/archive/${month}/reopen`);

    expect(await d1Rows(month)).toEqual({ sales: 24, refunds: 3 });
    expect(await archiveOf(month)).toMatchObject({ state: "open", files: [] });
    for (const f of first.files) expect(await env.ARCHIVE.head(f.key)).toBeNull();
    expect(await reports(month, seeded.shops)).toEqual(before);
    const receipt = seeded.receipts[1] as (typeof seeded.receipts)[number];
    const read = await admin(`/api/v1/shops/${receipt.shop_id}/sales/${receipt.id}`);
    expect(read.json.archived).toBe(false);
    const late = await admin("/api/v1/sales", { body: { ...receipt, id: `AR-${month}-late` } });
    expect(late.status, late.text).toBe(202);
    await flush();

    await runJob(`/api/v1/admin/archive/${month}/run`);
    const again = await archiveOf(month);
    expect(again).toMatchObject({ state: "archived", sales: 25, refunds: 3 });
    // New parts: a key once written is never written again.
    expect(again.files.map((f) => f.key).sort()).toEqual([
      `refunds/month=${month}/part-0003.parquet`,
      `sales/month=${month}/part-0002.parquet`,
    ]);
  });

  it("re-buckets a shop with archived months: their receipts count on the new days again", async () => {
    const month = freshMonth();
    const [product, shop] = await Promise.all([createProduct(5), createShop()]);
    // Ten receipts at 02:00 UTC on the 1st to the 10th: in New York each is the day before.
    const sold = Array.from({ length: 10 }, (_, i) => ({
      id: `RB-${month}-${i}`,
      shop_id: shop.id,
      product_id: product.id,
      quantity: 1 + i,
      sold_at: `${month}-${String(1 + i).padStart(2, "0")}T02:00:00Z`,
    }));
    expect((await postBatch(sold)).rejected).toEqual([]);
    await flush();
    const ctx = testContext();
    await freezeMonth(ctx, month);
    await runArchive(ctx, month);
    expect(await d1Rows(month)).toEqual({ sales: 0, refunds: 0 });

    const patched = await admin(`/api/v1/admin/shops/${shop.id}`, {
      method: "PATCH",
      body: { time_zone: "America/New_York" },
    });
    expect(patched.status, patched.text).toBe(200);
    const [y, m] = month.split("-").map(Number) as [number, number];
    const before = new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
    const range = `from=${before}&to=${month}-10&interval=day&shop_id=${shop.id}`;
    const series = await eventually(async () => {
      const job = await admin(`/api/v1/admin/jobs/${patched.json.rebuild_job_id}`);
      if (job.json.status !== "succeeded") return undefined;
      const r = await admin(`/api/v1/reports/sales?${range}`);
      return r.json.rebuilding.includes(shop.id) ? undefined : r.json;
    }, 15_000);
    // Each receipt one day earlier: the 1st's into the month before, none left on the 10th.
    const byDay = Object.fromEntries(
      (series.series as { period: string; sales: number; items_sold: number }[]).map((d) => [
        d.period,
        d.items_sold,
      ]),
    );
    expect(byDay[before]).toBe(1);
    expect(byDay[`${month}-09`]).toBe(10);
    expect(byDay[`${month}-10`]).toBe(0);
    expect(series.totals).toMatchObject({ sales: 10, items_sold: 55 });
  });
});
