// A terminal process for the terminal test: sells `count` sales (ids T-<n>) through the SDK with
// its file store, flushing as it goes; the test kills it with SIGKILL mid-way and starts it
// again on the same file, which must finish the job without losing or doubling a sale.
import { createTerminal } from "../../packages/terminal/dist/index.js";
import { fileStore } from "../../packages/terminal/dist/stores/file.js";

const [base, apiKey, shopId, productId, file, count] = process.argv.slice(2);
const store = await fileStore(file);
const terminal = createTerminal({
  baseUrl: base,
  apiKey,
  shopId: Number(shopId),
  terminalId: "KILLED",
  store,
  flushAt: 50,
  flushIntervalMs: 20,
  maxBackoffMs: 200,
});
await terminal.start();
// Sales already made survive in the file: continue after the highest seq.
const start = await store.lastSeq();
for (let n = start + 1; n <= Number(count); n++) {
  await terminal.sell({ product_id: Number(productId), id: `T-${n}` });
  if (n % 100 === 0) process.stdout.write(`sold ${n}\n`);
}
await terminal.flush();
while ((await store.size()) > 0) await terminal.flush();
process.stdout.write("done\n");
process.exit(0);
