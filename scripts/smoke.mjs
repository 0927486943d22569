// Black-box smoke test: starts the server the way `npm start` does (fresh state in a temp dir)
// and talks to it over HTTP as a client would.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { checks } from "./lib/checks.mjs";
import { ROOT } from "./lib/runtime.mjs";
import { startServer } from "./lib/server.mjs";

const port = Number(process.env.SMOKE_PORT ?? 8799);
const base = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(tmpdir(), "retail-edge-smoke-"));
let server;

const { check, done } = checks("smoke");

async function request(p, init = {}) {
  const res = await fetch(`${base}${p}`, init);
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

try {
  // A busy port: a clear message, and the running copy's state is left alone.
  const busy = net.createServer().listen(port, "127.0.0.1");
  await new Promise((r) => busy.once("listening", r));
  const untouched = path.join(state, "busy-port");
  const refused = spawnSync(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), STATE_DIR: untouched },
    encoding: "utf8",
  });
  busy.close();
  check(
    "npm start on a busy port says PORT=… npm start and changes nothing",
    refused.status === 1 &&
      refused.stderr.includes(`PORT=${port + 1} npm start`) &&
      !/\n\s+at /.test(refused.stderr) &&
      !existsSync(untouched),
    refused.stderr,
  );

  // Ctrl+C in the middle of the first start's demo data…
  const cut = await startServer({
    port,
    stateDir: state,
    ready: (output) => output.includes("products:"),
  });
  await cut.kill("SIGINT");
  // …and the next start begins again; /health never says "ok" before the data is in.
  const healthSeen = [];
  server = await startServer({
    port,
    stateDir: state,
    // Each cron every second: the Worker's scheduled handler runs under npm start.
    env: { CRONS_EVERY_SECOND: "1" },
    whileStarting: async (url) => {
      try {
        healthSeen.push((await (await fetch(`${url}/health`)).json()).status);
      } catch {}
    },
  });
  check(
    "a start after a cut-short load starts over; /health says seeding, never ok, until the data is in",
    server.output().includes("starting over") &&
      healthSeen[0] === "seeding" &&
      // "ok" may show in the moment between the data being in and the banner, never before.
      !healthSeen.slice(healthSeen.indexOf("ok") + 1 || healthSeen.length).includes("seeding"),
    `${healthSeen.join(",")}\n${server.output().slice(0, 400)}`,
  );
  const adminToken = server.adminToken;
  const cronRan = async () => {
    for (let i = 0; i < 50; i++) {
      if (/"msg":"job\.(ran|already_ran)"/.test(server.output())) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  check(
    "Cron Triggers fire under npm start (the scheduled handler runs its jobs)",
    await cronRan(),
  );
  const auth = { authorization: `Bearer ${adminToken}` };
  const json = { "content-type": "application/json" };

  const health = await request("/health");
  check("GET /health is ok", health.status === 200 && health.json?.status === "ok");
  check(
    "every response has x-request-id",
    /^[0-9a-f-]{36}$/.test(health.headers.get("x-request-id") ?? ""),
  );
  const spec = await request("/openapi.json");
  check("GET /openapi.json is OpenAPI 3.1", spec.status === 200 && spec.json?.openapi === "3.1.0");
  const docs = await request("/docs");
  const bundle = await fetch(`${base}/docs/swagger-ui-bundle.js`);
  await bundle.arrayBuffer();
  check(
    "GET /docs serves Swagger UI from the Worker's own assets",
    docs.status === 200 && docs.text.includes("/docs/swagger-ui-bundle.js") && bundle.ok,
  );

  // The demo's daily order stats: the nightly job's rows for the past 90 days, already there.
  const daily = await request("/api/v1/orders/stats/daily?user=test_seller&limit=200", {
    headers: auth,
  });
  const days = (daily.json?.items ?? []).map((r) => r.day).sort();
  const ninetyDaysAgo = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  check(
    "npm start's demo data has daily order stats for the past 90 days",
    days.length >= 80 && days[0] >= ninetyDaysAgo,
    `${days.length} days, ${days[0]} … ${days.at(-1)}`,
  );

  const seeded = await request("/api/v1/auth/login", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ username: "demo", password: "demo-password" }),
  });
  check(
    "the demo user from the seed can log in",
    seeded.status === 200 && typeof seeded.json?.access === "string",
  );

  const username = `smoke_${Date.now()}`;
  const email = `${username}@example.com`;
  const registered = await request("/api/v1/auth/register", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ username, email, password: "smoke-test-password" }),
  });
  check("POST /api/v1/auth/register → 201", registered.status === 201, registered.text);

  let welcome;
  const deadline = Date.now() + 15_000;
  while (!welcome && Date.now() < deadline) {
    const page = await request(`/api/v1/admin/outbox?to=${encodeURIComponent(email)}`, {
      headers: auth,
    });
    welcome = page.json?.items?.find((m) => m.status === "sent");
    if (!welcome) await new Promise((r) => setTimeout(r, 200));
  }
  check(
    "the welcome e-mail is in the outbox",
    welcome?.subject === "Регистрация" &&
      welcome?.text === `Добро пожаловать, ${username}! Вы успешно зарегистрировались.`,
    JSON.stringify(welcome),
  );

  const problem = (r, status) =>
    r.status === status &&
    r.headers.get("content-type") === "application/problem+json" &&
    r.json?.status === status;
  check(
    "duplicate registration → 409",
    problem(
      await request("/api/v1/auth/register", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ username, email, password: "smoke-test-password" }),
      }),
      409,
    ),
  );
  check(
    "malformed JSON → 400",
    problem(
      await request("/api/v1/auth/login", {
        method: "POST",
        headers: json,
        body: "{oops",
      }),
      400,
    ),
  );
  check(
    "not JSON → 415",
    problem(
      await request("/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "hello",
      }),
      415,
    ),
  );
  check("unknown route → 404", problem(await request("/api/v1/nope"), 404));
  check("wrong method → 405", problem(await request("/api/v1/auth/login"), 405));
  check("admin area without a token → 401", problem(await request("/api/v1/admin/outbox"), 401));
} catch (error) {
  check("server run", false, String(error?.stack ?? error));
} finally {
  await server?.kill();
  rmSync(state, { recursive: true, force: true });
}
done();
