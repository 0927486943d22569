import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Entity, EntityLinks, ServiceContext } from "./context";
import type { AppRoute } from "./http/route";
import type { BulkJob, ScheduledJob } from "./jobs/job";
import type { MailTemplate } from "./mail/template";

type EntityCheck<T> = (ctx: ServiceContext, id: number) => Promise<T>;

/**
 * A module's whole surface, declared in its `index.ts`: the entry point, the job runner, the
 * mail consumer and the structure tests read these and nothing else.
 */
export type ModuleManifest = {
  name: string;
  routes: readonly AppRoute[];
  scheduledJobs?: readonly ScheduledJob[];
  bulkJobs?: readonly BulkJob[];
  mailTemplates?: readonly MailTemplate[];
  /** The D1 tables the module owns; only it reads or writes them. */
  tables: Readonly<Record<string, SQLiteTable>>;
  /** Durable Object classes the module exports (the entry re-exports them). */
  durableObjects?: readonly string[];
  /** Whether an entity of the module exists (for other modules' input checks). */
  provides?: Partial<Record<Entity, EntityCheck<boolean>>>;
  /** Why an entity of another module may not be deleted: what of this module refers to it. */
  refersTo?: Partial<Record<Entity, EntityCheck<string | null>>>;
  /** What the module does when an entity of another module changed; a job it started, if any. */
  follows?: Partial<Record<Entity, EntityCheck<number | null>>>;
};

/** Cross-module checks by entity, so that no module reaches another's tables. */
export function entityLinks(modules: readonly ModuleManifest[]): EntityLinks {
  return {
    async exists(ctx, entity, id) {
      const owner = modules.find((m) => m.provides?.[entity]);
      const check = owner?.provides?.[entity];
      if (!check) throw new Error(`no module provides ${entity}`);
      return check(ctx, id);
    },
    async referencesTo(ctx, entity, id) {
      const reasons = await Promise.all(
        modules.map((m) => m.refersTo?.[entity]?.(ctx, id) ?? Promise.resolve(null)),
      );
      return reasons.filter((r): r is string => r !== null);
    },
    async changed(ctx, entity, id) {
      const jobs = await Promise.all(modules.map((m) => m.follows?.[entity]?.(ctx, id) ?? null));
      return jobs.filter((job): job is number => job !== null);
    },
  };
}
