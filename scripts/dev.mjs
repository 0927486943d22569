// npm run dev: the same local state as npm start, served by `wrangler dev` with hot reload.
import { spawn } from "node:child_process";
import path from "node:path";
import { copySwaggerUi } from "./lib/assets.mjs";
import { ensureDevVars, migrate, ROOT, stateDir } from "./lib/runtime.mjs";

ensureDevVars();
copySwaggerUi();
migrate();
const wrangler = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const args = [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  process.env.PORT ?? "8787",
  "--persist-to",
  stateDir(),
];
const child = spawn(process.execPath, [wrangler, ...args], { cwd: ROOT, stdio: "inherit" });
child.on("exit", (code) => process.exit(code ?? 0));
