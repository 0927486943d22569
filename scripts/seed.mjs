// npm run seed: demo data into the local D1 (safe to run again: existing rows are kept).

import { readFileSync } from "node:fs";
import path from "node:path";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import { seed } from "./lib/seed.mjs";

ensureDevVars();
const scriptPath = build();
migrate();
const { mf, url } = await startRuntime({ port: 0, scriptPath });
const adminToken = readFileSync(path.join(ROOT, ".dev.vars"), "utf8")
  .match(/^ADMIN_TOKEN=(.*)$/m)?.[1]
  ?.trim();
try {
  await seed({ base: url.toString().replace(/\/$/, ""), adminToken });
} finally {
  await mf.dispose();
}
