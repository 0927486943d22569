import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { docLinks, sourceGraph, wranglerCrons } from "./test/structure/source-graph.ts";

// The mail retry test makes the real send_email binding refuse an address. Miniflare's binding
// logs its own refusal as an uncaught exception through the pool's log handler, which no option
// reaches; the test asserts the refusal, so exactly that expected line is kept off the output.
const expectedRefusal =
  /^uncaught exception; source = Uncaught \(in promise\); stack = Error: email to bounce\S+@example\.com not allowed\n\s+at SendEmailBinding\./;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    expectedRefusal.test(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString())
      ? true
      : write(chunk, ...rest)) as typeof stream.write;
}

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
export const TEST_OPERATOR_EMAIL = "operator@retail-edge.test";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // DB as wrangler.toml has it, and an empty database of its own for the test that takes
          // a database of the previous schema through a migration.
          d1Databases: {
            DB: "00000000-0000-0000-0000-000000000000",
            MIGRATION_DB: "00000000-0000-0000-0000-00000000aaaa",
          },
          // `exports.default.queue()` / `.scheduled()` in tests need this experimental flag.
          compatibilityFlags: ["service_binding_extra_handlers"],
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_SOURCE_GRAPH: JSON.stringify(sourceGraph(import.meta.dirname)),
            TEST_WRANGLER_CRONS: JSON.stringify(wranglerCrons(import.meta.dirname)),
            TEST_DOC_LINKS: JSON.stringify(docLinks(import.meta.dirname)),
            // The committed OpenAPI document, which the served one must equal.
            TEST_OPENAPI: readFileSync(path.join(import.meta.dirname, "docs/openapi.json"), "utf8"),
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
            JWT_SECRET: "test-jwt-secret-0123456789-0123456789",
            MAIL_TRANSPORT: "outbox",
            REPORT_EMAIL: TEST_OPERATOR_EMAIL,
            CORS_ORIGINS: "https://pos.example.com, https://dash.example.com",
            // One isolate: a shop update renews its own catalog snapshot, nothing to wait for.
            REBUCKET_DELAY_SECONDS: "0",
            ARCHIVE_FREEZE_SECONDS: "0",
            // The bad-input suite's seed, to replay a failure: FUZZ_SEED=123 npm test.
            ...(process.env.FUZZ_SEED && { FUZZ_SEED: process.env.FUZZ_SEED }),
          },
          queueConsumers: {
            mail: { maxBatchTimeout: 0.05 },
            jobs: { maxBatchTimeout: 0.05 },
            "mail-dlq": { maxBatchTimeout: 0.05 },
            "jobs-dlq": { maxBatchTimeout: 0.05 },
          },
          // The real binding, limited to one address: a send to anyone else fails as a real
          // transport failure would, which the retry tests rely on.
          email: {
            send_email: [{ name: "EMAIL", allowed_destination_addresses: [TEST_OPERATOR_EMAIL] }],
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/support/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      // Request log lines only for failing tests.
      silent: "passed-only" as const,
    },
  };
});
