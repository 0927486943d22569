import { defineConfig } from "vitest/config";

// The SDK's own tests run in Node (the file store needs node:fs); the server is not involved.
export default defineConfig({
  test: { environment: "node", include: ["test/**/*.test.ts"] },
});
