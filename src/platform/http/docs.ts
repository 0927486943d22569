import { html } from "hono/html";
import type { ModuleManifest } from "../module";
import { guards } from "./guards";
import { defineRoute } from "./route";

// Swagger UI draws with inline styles and data: images; its script and ours come from here.
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

const page = html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Retail Edge API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <div id="swagger-ui" data-openapi="/openapi.json"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/assets/docs.js"></script>
  </body>
</html>`;

/** /docs: Swagger UI over /openapi.json, served entirely by this Worker (works offline). */
export const docsModule: ModuleManifest = {
  name: "docs",
  routes: [
    defineRoute(
      {
        method: "get",
        path: "/docs",
        operationId: "page_docs",
        guard: guards.public,
        hide: true,
        responses: { 200: { description: "Swagger UI" } },
      },
      async (c) => {
        c.header("content-security-policy", DOCS_CSP);
        return c.html(await page);
      },
    ),
  ],
  tables: {},
};
