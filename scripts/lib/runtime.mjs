// Serves the built Worker in the real runtime (workerd through Miniflare), without wrangler
// dev's proxy: the way `npm start`, the smoke test and the benchmark run it.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { copySwaggerUi } from "./assets.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Run with this process's Node (22 from the node@22 devDependency), whatever PATH says.
const WRANGLER = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

/** Local state lives under .wrangler/ (or STATE_DIR, which the smoke test uses). */
export function stateDir() {
  return path.resolve(ROOT, process.env.STATE_DIR ?? ".wrangler/state");
}

export function ensureDevVars() {
  const devVars = path.join(ROOT, ".dev.vars");
  if (!existsSync(devVars)) {
    copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
    console.log("Created .dev.vars from .dev.vars.example (local defaults).");
  }
}

function wrangler(args, env = {}) {
  return execFileSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env: { ...quietEnv, ...env },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
}

/** Bundles the Worker (or another entry, such as the benchmark's) as `wrangler deploy` would. */
export function build(entry) {
  copySwaggerUi();
  const outdir = entry ? "dist-bench" : "dist";
  wrangler(["deploy", "--dry-run", "--outdir", outdir, ...(entry ? [entry] : [])]);
  return path.join(ROOT, outdir, `${path.basename(entry ?? "index.ts", ".ts")}.js`);
}

export function migrate() {
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir()]);
}

/** Runs SQL on the local D1 while no Worker serves it; one result list per statement. */
export function queryLocalD1(sql) {
  const args = ["d1", "execute", "DB", "--local", "--persist-to", stateDir(), "--json"];
  // --json goes through wrangler's logger: a WRANGLER_LOG of warn (npm test's) would hide it.
  const out = wrangler([...args, "--command", sql], { WRANGLER_LOG: "log" });
  return JSON.parse(out).map((statement) => statement.results);
}

/** Forgets the local state: every database, Durable Object and queue message of this copy. */
export function resetState() {
  rmSync(stateDir(), { recursive: true, force: true });
}

/**
 * Starts the built Worker with the bindings of wrangler.toml and .dev.vars. `onLog` gets each
 * line the Worker logs (default: printed as it comes).
 */
export async function startRuntime({
  port = 8787,
  host = "127.0.0.1",
  scriptPath,
  bindings = {},
  durableObjects = {},
  inspectorPort,
  onLog = (log) =>
    (log.level === "error" || log.level === "warn" ? console.error : console.log)(log.message),
}) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, "wrangler.toml"));
  // The bundle is one module already; wrangler's source rules do not apply to it.
  const { modulesRules: _rules, rootPath: _root, ...options } = workerOptions;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...options,
      bindings: { ...options.bindings, ...bindings },
      durableObjects: { ...options.durableObjects, ...durableObjects },
      name: "retail-edge",
      modules: true,
      scriptPath,
      modulesRoot: path.dirname(scriptPath),
      resourcePersistencePath: path.join(stateDir(), "v3"),
      host,
      port,
      log: new Log(LogLevel.WARN),
      handleStructuredLogs: onLog,
      ...(inspectorPort && { inspectorPort }),
      // A placeholder Request.cf: fetching the real one needs the internet, which CI lacks.
      cf: false,
    }),
  );
  const url = await mf.ready;
  return { mf, url };
}
