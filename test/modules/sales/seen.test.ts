import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SalesIngest } from "../../../src/modules/sales/ingest-do";
import { SEEN_WINDOW_MS, SeenWindow, saleKeyHash } from "../../../src/modules/sales/seen";

// The window of flushed ids, on the storage of a shard object of its own (its migrations run).
function ownShard() {
  return env.SALES_INGEST.get(env.SALES_INGEST.newUniqueId());
}

describe("the window of flushed client ids", () => {
  it("keeps at most its cap, forgetting the oldest, in memory and in the log", async () => {
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const sql = state.storage.sql;
      const hashes = ["a", "b", "c", "d", "e"].map((id) => saleKeyHash(1, id));
      const window = new SeenWindow(sql, 3);
      state.storage.transactionSync(() => window.record(hashes.slice(0, 2), 1_000));
      state.storage.transactionSync(() => window.record(hashes.slice(2), 2_000));
      expect(hashes.map((h) => window.mayHave(h))).toEqual([false, false, true, true, true]);
      expect(window.size).toBe(3);
      const logged = sql.exec<{ h: number }>("SELECT h FROM seen_hashes ORDER BY seq").toArray();
      expect(logged.map((r) => r.h)).toEqual(hashes.slice(2));

      // A restarted shard reads the same window back from the log.
      const reloaded = new SeenWindow(sql, 3);
      reloaded.load(2_000);
      expect(hashes.map((h) => reloaded.mayHave(h))).toEqual([false, false, true, true, true]);
    });
  });

  it("forgets by age, and a key flushed twice stays until its later entry goes", async () => {
    await runInDurableObject(ownShard(), (_o: SalesIngest, state) => {
      const [old, again, young] = ["old", "again", "young"].map((id) => saleKeyHash(2, id));
      if (old === undefined || again === undefined || young === undefined) throw new Error();
      const window = new SeenWindow(state.storage.sql);
      window.record([old, again], 0);
      window.record([again, young], 10_000);
      window.prune(SEEN_WINDOW_MS + 1);
      expect([old, again, young].map((h) => window.mayHave(h))).toEqual([false, true, true]);
      window.prune(SEEN_WINDOW_MS + 10_001);
      expect([old, again, young].map((h) => window.mayHave(h))).toEqual([false, false, false]);
      expect(window.size).toBe(0);
    });
  });
});
