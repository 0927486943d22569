// The npm registry reachable from our build machines serves workerd's Linux binaries only.
// npm then leaves workerd's macOS and Windows optional packages out of package-lock.json, and
// `npm ci` refuses the lock as out of sync. This adds those entries back (they are skipped on
// Linux, and installed normally on a developer's Mac or Windows machine).
// Run after `npm install` changes package-lock.json: node scripts/maintenance/complete-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORMS = {
  "@cloudflare/workerd-darwin-64": { os: ["darwin"], cpu: ["x64"] },
  "@cloudflare/workerd-darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "@cloudflare/workerd-windows-64": { os: ["win32"], cpu: ["x64"] },
};

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;
let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  if (!location.endsWith("node_modules/workerd")) continue;
  const prefix = location.slice(0, -"workerd".length);
  for (const [name, platform] of Object.entries(PLATFORMS)) {
    const target = `${prefix}${name}`;
    if (packages[target] || !entry.optionalDependencies?.[name]) continue;
    packages[target] = {
      version: entry.optionalDependencies[name],
      cpu: platform.cpu,
      dev: entry.dev,
      license: "Apache-2.0",
      optional: true,
      os: platform.os,
      engines: { node: ">=16" },
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} lockfile entries`);
