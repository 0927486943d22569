// Starts the server the way `npm start` does, in a child process on its own state, for the
// black-box tests (smoke, browser, crash). Not for production use.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./runtime.mjs";

const BANNER = "Retail Edge is running";

/**
 * @param {{ port: number, stateDir: string, seed?: boolean, timeoutMs?: number,
 *   whileStarting?: (base: string) => Promise<void>, ready?: (output: string) => boolean,
 *   env?: Record<string, string> }} options
 * @returns {Promise<{ base: string, adminToken: string, output: () => string, kill: (signal?: string) => Promise<void>, child: import("node:child_process").ChildProcess }>}
 */
export async function startServer({
  port,
  stateDir,
  seed = true,
  timeoutMs = 240_000,
  whileStarting,
  ready = (output) => output.includes(BANNER),
  env = {},
}) {
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      STATE_DIR: stateDir,
      ...(seed ? {} : { SKIP_SEED: "1" }),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const deadline = Date.now() + timeoutMs;
  while (!ready(output)) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server was not ready in time:\n${output}`);
    await whileStarting?.(`http://127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const adminToken = output.match(/operator:\s+Authorization: Bearer (\S+)/)?.[1] ?? "";
  return {
    base: `http://127.0.0.1:${port}`,
    adminToken,
    output: () => output,
    child,
    async kill(signal = "SIGTERM") {
      try {
        process.kill(-child.pid, signal);
      } catch {}
      await exited;
    },
  };
}
