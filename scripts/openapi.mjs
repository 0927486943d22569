// npm run openapi:export: the Worker's /openapi.json into docs/openapi.json, the file client
// generators and the lint read (a test fails when it no longer matches what the code serves).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, ensureDevVars, ROOT, startRuntime } from "./lib/runtime.mjs";

process.env.STATE_DIR = mkdtempSync(path.join(os.tmpdir(), "retail-edge-openapi-"));
ensureDevVars();
const { mf, url } = await startRuntime({ port: 0, scriptPath: build(), onLog: () => {} });
try {
  const spec = await (await fetch(new URL("/openapi.json", url))).json();
  writeFileSync(path.join(ROOT, "docs/openapi.json"), `${JSON.stringify(spec, null, 2)}\n`);
  console.log(`docs/openapi.json: ${Object.keys(spec.paths).length} paths`);
} finally {
  await mf.dispose();
  rmSync(process.env.STATE_DIR, { recursive: true, force: true });
}
