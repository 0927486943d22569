// npm run seed: demo data into the local D1 (safe to run again: existing rows are kept).
import { readFileSync } from "node:fs";
import path from "node:path";
import { createConsole } from "./lib/console.mjs";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import { seed } from "./lib/seed.mjs";

const out = createConsole();
ensureDevVars();
const scriptPath = build();
migrate();
const { mf, url } = await startRuntime({
  port: 0,
  scriptPath,
  // Only what went wrong: the routine request lines would bury the progress.
  onLog: (log) => (log.level === "error" || log.level === "warn") && out.line(log.message),
});
const adminToken = readFileSync(path.join(ROOT, ".dev.vars"), "utf8")
  .match(/^ADMIN_TOKEN=(.*)$/m)?.[1]
  ?.trim();
try {
  await seed({ base: url.toString().replace(/\/$/, ""), adminToken, out });
} finally {
  await mf.dispose();
}
