import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A bulk job run through the `jobs` queue; its row is what GET /admin/jobs/:id shows. */
export const jobs = sqliteTable("jobs", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  status: text({ enum: ["queued", "running", "succeeded", "failed"] }).notNull(),
  input: text({ mode: "json" }).$type<unknown>().notNull(),
  result: text({ mode: "json" }).$type<unknown>(),
  error: text(),
  attempts: integer().notNull().default(0),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** One row per scheduled run and period: a retried trigger for the same period finds it and stops. */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    name: text().notNull(),
    period: text().notNull(),
    trigger: text({ enum: ["cron", "manual"] }).notNull(),
    result: text({ mode: "json" }).$type<unknown>(),
    startedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.period] })],
);
