// npm start: local defaults, migrations, demo data when empty, then the Worker on 127.0.0.1.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createConsole } from "./lib/console.mjs";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import {
  DEMO_ADMIN,
  DEMO_EMPLOYEE,
  DEMO_OWNER,
  DEMO_PASSWORD,
  DEMO_USERNAME,
  isEmpty,
  seed,
} from "./lib/seed.mjs";

const out = createConsole();
ensureDevVars();
out.line("Building the Worker…");
const scriptPath = build();
out.line("Applying migrations to the local D1…");
migrate();

// While the demo data loads, the Worker's routine request lines would bury the progress.
let seeding = false;
const onLog = (log) => {
  if (seeding && log.level !== "error" && log.level !== "warn") return;
  out.line(log.message);
};
const port = Number(process.env.PORT ?? 8787);
const { mf, url } = await startRuntime({ port, scriptPath, onLog });
const base = url.toString().replace(/\/$/, "");
const adminToken = readDevVar("ADMIN_TOKEN");
const db = await mf.getD1Database("DB");

// SKIP_SEED=1: an empty database stays empty (the crash test brings its own data).
if (process.env.SKIP_SEED !== "1" && (await isEmpty(mf))) {
  seeding = true;
  await db
    .prepare(
      "INSERT OR REPLACE INTO platform_state (key, value, updated_at) VALUES ('seeding', '1', ?)",
    )
    .bind(Date.now())
    .run();
  out.line(
    `The database is empty: loading demo data (${base}/health says "seeding" until it is in)…`,
  );
  try {
    await seed({ base, adminToken, out });
  } finally {
    await db.prepare("DELETE FROM platform_state WHERE key = 'seeding'").run();
    seeding = false;
  }
}

out.line(`
Retail Edge is running at ${base}
  Dashboard:    ${base}/dashboard   (owners and admins)
  Web admin:    ${base}/admin
  API docs:     ${base}/docs
  OpenAPI:      ${base}/openapi.json
  Health:       ${base}/health
Demo credentials (local only):
  operator:     Authorization: Bearer ${adminToken}
  web admin:    ${DEMO_ADMIN} / ${DEMO_PASSWORD}  (sign in at ${base}/login)
  owner:        ${DEMO_OWNER} / ${DEMO_PASSWORD}  (the dashboard and the reports)
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
