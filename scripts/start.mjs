// npm start: local defaults, migrations, demo data when empty, then the Worker on 127.0.0.1.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createConsole } from "./lib/console.mjs";
import { configuredCrons, cronRunner, scheduleCrons } from "./lib/crons.mjs";
import { portInUse } from "./lib/port.mjs";
import { build, ensureDevVars, migrate, ROOT, startRuntime } from "./lib/runtime.mjs";
import {
  DEMO_ADMIN,
  DEMO_EMPLOYEE,
  DEMO_MANAGER,
  DEMO_OWNER,
  DEMO_PASSWORD,
  DEMO_USERNAME,
  existingAccounts,
  finishSeeding,
  prepareSeeding,
  seed,
} from "./lib/seed.mjs";

const out = createConsole();
const host = "127.0.0.1";
const port = Number(process.env.PORT ?? 8787);
// Before anything changes: a second copy must not migrate the running one's state.
if (await portInUse(port, host)) {
  console.error(
    `Port ${port} is in use (is Retail Edge already running?). Stop it, or start on another port: PORT=${port + 1} npm start`,
  );
  process.exit(1);
}
ensureDevVars();
out.line("Building the Worker…");
const scriptPath = build();
out.line("Applying migrations to the local D1…");
migrate();
// SKIP_SEED=1: an empty database stays empty (the crash test brings its own data).
const { seeding, restarted } =
  process.env.SKIP_SEED === "1" ? { seeding: false, restarted: false } : prepareSeeding();
if (restarted)
  out.line("The last demo data load was cut short: starting over from an empty database.");

// While the demo data loads, the Worker's routine request lines would bury the progress.
let quiet = seeding;
const onLog = (log) => {
  if (quiet && log.level !== "error") return;
  out.line(log.message);
};
const { mf, url } = await startRuntime({ port, host, scriptPath, onLog });
const base = url.toString().replace(/\/$/, "");
const adminToken = readDevVar("ADMIN_TOKEN");
const stopCrons = scheduleCrons(mf, (message) => out.line(message));
// Ctrl+C at any point, seeding included: the runtime stops; a cut-short load keeps its marker.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    stopCrons();
    await mf.dispose();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

if (seeding) {
  out.line(
    `Loading demo data (${base}/health says "seeding" until it is in; Ctrl+C is safe, the next start begins again)…`,
  );
  await seed({ base, adminToken, out, runCron: cronRunner(mf) });
  await finishSeeding(mf);
  quiet = false;
}

const accounts = await existingAccounts(mf);
const demoLines = [
  [DEMO_ADMIN, `web admin:    ${DEMO_ADMIN} / ${DEMO_PASSWORD}  (sign in at ${base}/login)`],
  [DEMO_OWNER, `owner:        ${DEMO_OWNER} / ${DEMO_PASSWORD}  (the dashboard and the reports)`],
  [
    DEMO_MANAGER,
    `manager:      ${DEMO_MANAGER} / ${DEMO_PASSWORD}  (the Serbian shops only, in dinars)`,
  ],
  [DEMO_USERNAME, `user:         ${DEMO_USERNAME} / ${DEMO_PASSWORD}  (POST /api/v1/auth/login)`],
  [
    DEMO_EMPLOYEE,
    `employee:     ${DEMO_EMPLOYEE} / ${DEMO_PASSWORD}  (employee_1 … employee_45, one per demo company)`,
  ],
]
  .filter(([name]) => accounts.has(name))
  .map(([, line]) => `  ${line}`);
out.line(`
Retail Edge is running at ${base}
  Dashboard:    ${base}/dashboard   (owners and admins)
  Web admin:    ${base}/admin
  API docs:     ${base}/docs
  OpenAPI:      ${base}/openapi.json
  Health:       ${base}/health
Credentials (local only):
  operator:     Authorization: Bearer ${adminToken}
${demoLines.length ? demoLines.join("\n") : "  (no demo accounts: `npm run reset`, then `npm start`, loads them)"}
Cron triggers fire here as in production, in UTC: ${configuredCrons().join(", ")}
Press Ctrl+C to stop.`);

function readDevVar(name) {
  const text = readFileSync(path.join(ROOT, ".dev.vars"), "utf8");
  const line = text.split("\n").find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim() ?? "";
}
