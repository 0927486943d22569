// Cron Triggers under `npm start`: Miniflare runs a scheduled handler only when asked, so this
// asks on the schedules of wrangler.toml, in UTC, as Cloudflare does in production.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Cron } from "croner";
import { ROOT } from "./runtime.mjs";

export function configuredCrons() {
  const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  const list = toml.match(/^\[triggers\][^[]*?crons\s*=\s*\[([^\]]*)\]/m)?.[1] ?? "";
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** Fires the Worker's scheduled handler once, as Cloudflare would at `scheduledTime`. */
export function cronRunner(mf) {
  return async (cron, scheduledTime) => {
    const worker = await mf.getWorker();
    await worker.scheduled({ cron, scheduledTime });
  };
}

/**
 * Starts one timer per cron; returns a function that stops them all. `CRONS_EVERY_SECOND=1`
 * fires each one every second instead (the smoke test's way to see them fire; every job runs
 * once per period, so the repeats change nothing).
 */
export function scheduleCrons(mf, onError = console.error) {
  const everySecond = process.env.CRONS_EVERY_SECOND === "1";
  const jobs = configuredCrons().map(
    (cron) =>
      new Cron(
        everySecond ? "* * * * * *" : cron,
        { timezone: "UTC", protect: true },
        async (job) => {
          try {
            await cronRunner(mf)(cron, job.currentRun() ?? new Date());
          } catch (error) {
            onError(`cron ${cron}: ${error?.message ?? error}`);
          }
        },
      ),
  );
  return () => {
    for (const job of jobs) job.stop();
  };
}
