// npm run seed: demo data into the local D1 (safe to run again: existing rows are kept; a load
// cut short before starts over, as `npm start` does). Stop `npm start` first.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createConsole } from "./lib/console.mjs";
import { cronRunner } from "./lib/crons.mjs";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import { finishSeeding, prepareSeeding, seed } from "./lib/seed.mjs";

const out = createConsole();
ensureDevVars();
const scriptPath = build();
migrate();
if (prepareSeeding({ force: true }).restarted) {
  out.line("The last demo data load was cut short: starting over from an empty database.");
}
const { mf, url } = await startRuntime({
  port: 0,
  scriptPath,
  // Only what went wrong: the routine request lines would bury the progress.
  onLog: (log) => log.level === "error" && out.line(log.message),
});
const adminToken = readFileSync(path.join(ROOT, ".dev.vars"), "utf8")
  .match(/^ADMIN_TOKEN=(.*)$/m)?.[1]
  ?.trim();
try {
  await seed({
    base: url.toString().replace(/\/$/, ""),
    adminToken,
    out,
    runCron: cronRunner(mf),
  });
  await finishSeeding(mf);
} finally {
  await mf.dispose();
}
