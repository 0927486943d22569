// npm start: local defaults, migrations, demo data when empty, then the Worker on 127.0.0.1.
import { readFileSync } from "node:fs";
import path from "node:path";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import { DEMO_EMPLOYEE, DEMO_PASSWORD, DEMO_USERNAME, isEmpty, seed } from "./lib/seed.mjs";

ensureDevVars();
console.log("Building the Worker…");
const scriptPath = build();
console.log("Applying migrations to the local D1…");
migrate();

const port = Number(process.env.PORT ?? 8787);
const { mf, url } = await startRuntime({ port, scriptPath });
const base = url.toString().replace(/\/$/, "");
const adminToken = readDevVar("ADMIN_TOKEN");

// SKIP_SEED=1: an empty database stays empty (the crash test brings its own data).
if (process.env.SKIP_SEED !== "1" && (await isEmpty(mf))) {
  console.log("The database is empty: loading demo data…");
  await seed({ base, adminToken });
}

console.log(`
Retail Edge is running at ${base}
  API docs:     ${base}/docs
  OpenAPI:      ${base}/openapi.json
  Health:       ${base}/health
Demo credentials (local only):
  operator:     Authorization: Bearer ${adminToken}
  user:         ${DEMO_USERNAME} / ${DEMO_PASSWORD}  (POST /api/v1/auth/login)
  employee:     ${DEMO_EMPLOYEE} / ${DEMO_PASSWORD}  (employee_1 … employee_45, one per demo company)
Press Ctrl+C to stop.`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await mf.dispose();
    process.exit(0);
  });
}

function readDevVar(name) {
  const text = readFileSync(path.join(ROOT, ".dev.vars"), "utf8");
  const line = text.split("\n").find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim() ?? "";
}
