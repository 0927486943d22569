// npm test: every stage, one after another, and one summary line across them. Each stage
// prints its own "N passed, M failed"; a failed stage does not hide the later ones' results.
import { spawn } from "node:child_process";
import { ROOT } from "./lib/runtime.mjs";

const tty = Boolean(process.stdout.isTTY);
const env = {
  ...process.env,
  // wrangler's "Using secrets defined in .dev.vars" once per test file is noise, not news.
  WRANGLER_LOG: process.env.WRANGLER_LOG ?? "warn",
  ...(tty ? {} : { NO_COLOR: "1", FORCE_COLOR: "0" }),
};
const npm = (...args) => ["npm", ["run", "--silent", ...args]];
const node = (script) => [process.execPath, [script]];
const vitestCounts = (output) => {
  const line = output.match(/^\s*Tests\s+(.*)$/m)?.[1] ?? "";
  return {
    passed: Number(line.match(/(\d+) passed/)?.[1] ?? 0),
    failed: Number(line.match(/(\d+) failed/)?.[1] ?? 0),
  };
};
const ownCounts = (output) => {
  const m = output.match(/(\d+) passed, (\d+) failed\s*$/);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
};
const STAGES = [
  { name: "vitest", command: npm("test:unit"), counts: vitestCounts },
  {
    name: "terminal SDK",
    command: npm("test", "-w", "@retail-edge/terminal"),
    counts: vitestCounts,
  },
  {
    name: "SDK build",
    command: npm("build", "-w", "@retail-edge/terminal"),
    counts: () => ({ passed: 0, failed: 0 }),
  },
  { name: "smoke", command: node("scripts/smoke.mjs"), counts: ownCounts },
  { name: "browser", command: node("scripts/browser-test.mjs"), counts: ownCounts },
  { name: "crash", command: node("scripts/crash-test.mjs") },
  { name: "terminal", command: node("scripts/terminal-test.mjs"), counts: ownCounts },
  { name: "archive", command: node("scripts/archive-test.mjs"), counts: ownCounts },
];

function run([command, args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const relay = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on("data", relay(process.stdout));
    child.stderr.on("data", relay(process.stderr));
    child.on("close", (code) => resolve({ code, output }));
  });
}

const summary = [];
let passed = 0;
let failed = 0;
for (const stage of STAGES) {
  console.log(`\n── ${stage.name} ──`);
  const { code, output } = await run(stage.command);
  // A stage without counts of its own (a build, the crash test) is one check.
  const counts = stage.counts?.(output) ?? {
    passed: code === 0 ? 1 : 0,
    failed: code === 0 ? 0 : 1,
  };
  // A stage that exits non-zero has failed even when no single test said so.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  if (counts.passed + counts.failed > 0) {
    summary.push(
      `${stage.name} ${counts.passed}${counts.failed ? ` (${counts.failed} failed)` : ""}`,
    );
  }
}
console.log(`\nnpm test: ${passed} passed, ${failed} failed (${summary.join(", ")})`);
process.exit(failed === 0 ? 0 : 1);
