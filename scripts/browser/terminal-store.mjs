// The terminal SDK's IndexedDB store in Chromium: the same contract as the memory and file
// stores, and what it holds survives a reload. The built module is served on a routed origin
// (IndexedDB needs one), straight from packages/terminal/dist.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/runtime.mjs";

const ORIGIN = "http://terminal.test";

export async function terminalStoreFlows(page, { check, assert }) {
  await check(
    "the terminal SDK's IndexedDB store keeps its queue in order, across a reload",
    async () => {
      const store = readFileSync(
        path.join(ROOT, "packages/terminal/dist/stores/indexeddb.js"),
        "utf8",
      );
      await page.route(`${ORIGIN}/**`, (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === "/store.js")
          return route.fulfill({ body: store, contentType: "text/javascript" });
        return route.fulfill({
          body: "<!doctype html><title>till</title>",
          contentType: "text/html",
        });
      });
      await page.goto(`${ORIGIN}/`);
      const first = await page.evaluate(async () => {
        const { indexedDbStore } = await import("/store.js");
        const s = await indexedDbStore("till-1");
        const tx = (seq) => ({
          id: `id-${seq}`,
          seq,
          queuedAt: seq,
          body: { id: `id-${seq}`, seq },
        });
        for (const seq of [1, 2, 3, 4]) await s.append(tx(seq));
        await s.ack(["id-2", "id-1"]);
        await s.raiseSeq(9);
        return {
          peek: (await s.peek(10)).map((t) => t.seq),
          size: await s.size(),
          last: await s.lastSeq(),
        };
      });
      assert(
        JSON.stringify(first) === JSON.stringify({ peek: [3, 4], size: 2, last: 9 }),
        JSON.stringify(first),
      );
      await page.reload();
      const after = await page.evaluate(async () => {
        const { indexedDbStore } = await import("/store.js");
        const s = await indexedDbStore("till-1");
        return { peek: (await s.peek(10)).map((t) => t.id), last: await s.lastSeq() };
      });
      assert(
        JSON.stringify(after) === JSON.stringify({ peek: ["id-3", "id-4"], last: 9 }),
        JSON.stringify(after),
      );
      await page.unroute(`${ORIGIN}/**`);
    },
  );
}
