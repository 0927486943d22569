// Swagger UI's files, from the pinned swagger-ui-dist package into the Worker's static assets
// (public/docs/), so that /docs works without the internet. Run before every build.
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FILES = ["swagger-ui.css", "swagger-ui-bundle.js"];

export function copySwaggerUi() {
  const from = path.join(ROOT, "node_modules/swagger-ui-dist");
  const to = path.join(ROOT, "public/docs");
  mkdirSync(to, { recursive: true });
  for (const file of FILES) copyFileSync(path.join(from, file), path.join(to, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copySwaggerUi();
