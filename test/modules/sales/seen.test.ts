import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  SEEN_WINDOW_MS,
  type SeenShare,
  SeenWindow,
  saleKeyHash,
} from "../../../src/modules/sales/shard/seen";
import type { SalesIngest } from "../../../src/modules/sales/shard/shard";

// The window of flushed ids, on the storage of a shard object of its own (its migrations run).
function ownShard() {
  return env.SALES_INGEST.get(env.SALES_INGEST.newUniqueId());
}

// A budget of its own (the isolate's is shared by every object the tests create).
const budgetOf = (budget: number): SeenShare => ({ budget, members: new Set() });

describe("the window of flushed client ids", () => {
  it("keeps at most its cap, forgetting the oldest, in memory and in the log", async () => {
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const sql = state.storage.sql;
      const hashes = ["a", "b", "c", "d", "e"].map((id) => saleKeyHash(1, id));
      const window = new SeenWindow(sql, "shard", budgetOf(3));
      state.storage.transactionSync(() => window.record(hashes.slice(0, 2), 1_000));
      state.storage.transactionSync(() => window.record(hashes.slice(2), 2_000));
      expect(hashes.map((h) => window.mayHave(h))).toEqual([false, false, true, true, true]);
      expect(window.size).toBe(3);
      const logged = sql
        .exec<{ h: number }>(
          "SELECT value AS h FROM seen_flushes, json_each(seen_flushes.hashes) ORDER BY seq, key",
        )
        .toArray();
      expect(logged.map((r) => r.h)).toEqual(hashes.slice(2));

      // A restarted shard reads the same window back from the log.
      const reloaded = new SeenWindow(sql, "shard", budgetOf(3));
      reloaded.load(2_000);
      expect(hashes.map((h) => reloaded.mayHave(h))).toEqual([false, false, true, true, true]);
    });
  });

  it("forgets by age, and a key flushed twice stays until its later entry goes", async () => {
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const [old, again, young] = ["old", "again", "young"].map((id) => saleKeyHash(2, id));
      if (old === undefined || again === undefined || young === undefined) throw new Error();
      const window = new SeenWindow(state.storage.sql, "shard", budgetOf(10));
      window.record([old, again], 0);
      window.record([again, young], 10_000);
      window.prune(SEEN_WINDOW_MS + 1);
      expect([old, again, young].map((h) => window.mayHave(h))).toEqual([false, true, true]);
      window.prune(SEEN_WINDOW_MS + 10_001);
      expect([old, again, young].map((h) => window.mayHave(h))).toEqual([false, false, false]);
      expect(window.size).toBe(0);
    });
  });

  it("splits one budget among the windows of one isolate, and a wake keeps only its part", async () => {
    const share = budgetOf(4);
    const hashes = ["a", "b", "c", "d", "e"].map((id) => saleKeyHash(3, id));
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const sql = state.storage.sql;
      const first = new SeenWindow(sql, "first", share);
      state.storage.transactionSync(() => first.record(hashes.slice(0, 4), 1_000));
      expect(first.size).toBe(4);
      // A second shard wakes in the same isolate: from the next flush on, each keeps half.
      new SeenWindow(sql, "second", share);
      state.storage.transactionSync(() => first.record(hashes.slice(4), 2_000));
      expect(first.cap).toBe(2);
      expect(hashes.map((h) => first.mayHave(h))).toEqual([false, false, false, true, true]);
      expect(sql.exec("SELECT coalesce(sum(n), 0) AS n FROM seen_flushes").one().n).toBe(2);
      // A wake under a smaller part drops the log's oldest entries before reading it.
      const crowded = new SeenWindow(sql, "first", { budget: 1, members: new Set() });
      crowded.load(2_000);
      expect(crowded.size).toBe(1);
      expect(hashes.map((h) => crowded.mayHave(h))).toEqual([false, false, false, false, true]);
      expect(sql.exec("SELECT coalesce(sum(n), 0) AS n FROM seen_flushes").one().n).toBe(1);
    });
  });

  it("logs a flush as one row: a sale costs no row written of its own", async () => {
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const sql = state.storage.sql;
      const window = new SeenWindow(sql, "shard", budgetOf(10_000));
      const hashes = Array.from({ length: 5_000 }, (_, i) => saleKeyHash(5, `s${i}`));
      const before = sql.exec("SELECT count(*) AS n FROM seen_flushes").one().n as number;
      state.storage.transactionSync(() => window.record(hashes, 1_000));
      expect(sql.exec("SELECT count(*) AS n FROM seen_flushes").one().n).toBe(before + 1);
      expect(hashes.every((h) => window.mayHave(h))).toBe(true);
    });
  });

  it("drops the log's expired entries on wake without miscounting", async () => {
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const [old, young] = ["old", "young"].map((id) => saleKeyHash(4, id));
      if (old === undefined || young === undefined) throw new Error();
      const window = new SeenWindow(state.storage.sql, "shard", budgetOf(10));
      window.record([old], 0);
      window.record([young], SEEN_WINDOW_MS);
      const reloaded = new SeenWindow(state.storage.sql, "shard", budgetOf(10));
      reloaded.load(SEEN_WINDOW_MS + 1);
      expect(reloaded.size).toBe(1);
      expect([old, young].map((h) => reloaded.mayHave(h))).toEqual([false, true]);
    });
  });
});
