import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf, shardStub } from "../../src/modules/sales/core/shards";
import type { SalesIngest } from "../../src/modules/sales/shard/shard";
import { admin, call } from "../support/http";
import { signedInCookie } from "../support/pages";
import { createProduct, createShop } from "../support/sales";

describe("terminals behind", () => {
  it("are listed for the operator and marked on the owner's dashboard", async () => {
    const [product, shop] = await Promise.all([createProduct(1), createShop()]);
    const sale = (terminal: string, seq: number) => ({
      product_id: product.id,
      shop_id: shop.id,
      id: `${terminal}-${seq}`,
      terminal_id: terminal,
      seq,
    });
    // T-1 is current; T-2 sent 1 and 3 (2 is missing), then went quiet.
    await admin("/api/v1/sales/batch", {
      body: { sales: [sale("T-1", 1), sale("T-2", 1), sale("T-2", 3)] },
    });
    // Its last contact, set back two hours (the shard's own record of it).
    await runInDurableObject(shardStub(env, shardOf(shop.id)), (_o: SalesIngest, state) => {
      state.storage.sql.exec(
        "UPDATE terminals SET last_seen_at = last_seen_at - 7200000 WHERE shop_id = ? AND terminal_id = 'T-2'",
        shop.id,
      );
    });
    const operator = await signedInCookie("admin");
    const page = await call("/admin/terminals", { headers: { cookie: operator } });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    expect(page.text).toMatch(new RegExp(`data-terminal="${shop.id}/T-2" data-behind="true"`));
    expect(page.text).toMatch(new RegExp(`data-terminal="${shop.id}/T-1" data-behind="false"`));
    expect(page.text).toContain("2 h ago");
    const owner = await signedInCookie("owner");
    const dashboard = await call(`/dashboard/shops/${shop.id}`, { headers: { cookie: owner } });
    expect(dashboard.text).toContain(`data-behind-terminal="${shop.id}/T-2"`);
    expect(dashboard.text).toMatch(
      /complete through \d\d:\d\d \(UTC\) — terminal T-2 last heard 2 h ago, missing seq 2/,
    );
    expect(dashboard.text).not.toContain(`data-behind-terminal="${shop.id}/T-1"`);
    expect((await call("/admin/terminals", { headers: { cookie: owner } })).status).toBe(403);
  });
});
