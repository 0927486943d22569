import { defineConfig } from "drizzle-kit";

// Each module (and the platform's mail and jobs) owns its tables in its own schema.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/modules/**/schema.ts", "./src/platform/*/schema.ts"],
  out: "./migrations",
  casing: "snake_case",
});
