// Browser test: the pages as people use them, in Chromium (lib/chromium.mjs says which) driven
// by playwright-core, against the server as `npm start` runs it (seeded, fresh state). SCREENSHOTS_DIR=<dir> also
// saves a 1280×800 screenshot of each page there.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { adminFlows } from "./browser/admin.mjs";
import { archiveFlows } from "./browser/archive.mjs";
import { chainFlows } from "./browser/chain.mjs";
import { docsFlows } from "./browser/docs.mjs";
import { ownerFlows } from "./browser/owner.mjs";
import { reportFlows } from "./browser/reports.mjs";
import { terminalStoreFlows } from "./browser/terminal-store.mjs";
import { resolveChromium } from "./lib/chromium.mjs";
import { startServer } from "./lib/server.mjs";

const port = Number(process.env.BROWSER_PORT ?? 8797);
const shots = process.env.SCREENSHOTS_DIR;
const state = mkdtempSync(path.join(tmpdir(), "retail-edge-browser-"));
const results = [];
let server;
let browser;

async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push(false);
    console.log(
      `FAIL ${name}\n     ${String(error?.stack ?? error)
        .split("\n")
        .slice(0, 6)
        .join("\n     ")}`,
    );
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function api(method, p, body, token = server.adminToken) {
  const res = await fetch(`${server.base}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function shot(page, name) {
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

async function signIn(page, username, password = "demo-password") {
  await page.goto(`${server.base}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

try {
  if (shots) mkdirSync(shots, { recursive: true });
  server = await startServer({ port, stateDir: state });
  const { executablePath, env, source } = await resolveChromium();
  console.log(`Chromium: ${source}`);
  browser = await chromium.launch({
    executablePath,
    env: { ...process.env, ...env },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const viewport = { width: 1280, height: 800 };
  // What no flow may cause: a script error, or something the CSP had to block. (Failed
  // requests are not counted: some flows provoke 401s, 403s and dropped sockets on purpose.)
  const broken = [];
  const newPage = async (name) => {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.on("pageerror", (error) => broken.push(`${name}: ${error.message}`));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text()))
        broken.push(`${name}: ${message.text()}`);
    });
    return page;
  };
  const kit = { check, assert, api, shot, signIn, server };
  await ownerFlows(await newPage("owner"), kit);
  await reportFlows(await newPage("reports"), kit);
  await adminFlows(await newPage("admin"), kit);
  await archiveFlows(await newPage("archive"), kit);
  await chainFlows(await newPage("chain"), kit);
  await docsFlows(await newPage("docs"), kit);
  await terminalStoreFlows(await newPage("terminal-store"), kit);
  await check("no page threw a script error or broke its CSP", () =>
    assert(broken.length === 0, broken.join("\n")),
  );
} catch (error) {
  await check("browser run", () => {
    throw error;
  });
} finally {
  await browser?.close();
  await server?.kill();
  rmSync(state, { recursive: true, force: true });
}
const failed = results.filter((r) => !r).length;
console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
