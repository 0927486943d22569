declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    FUZZ_SEED?: string;
    TEST_SOURCE_GRAPH: string;
    TEST_WRANGLER_CRONS: string;
    TEST_DOC_LINKS: string;
    MIGRATION_DB: D1Database;
    TEST_OPENAPI: string;
  }
}
