import { createDb, type Db } from "../db/client";
import { type Config, getConfig } from "../lib/config";
import type { Principal } from "../lib/principal";

export type Queues = { mail: Queue; jobs: Queue };

/** Things one module owns and others refer to by id. */
export type Entity = "product" | "shop" | "company";

/** Cross-module checks by entity, answered by the module that owns it (see module.ts). */
export type EntityLinks = {
  exists(ctx: ServiceContext, entity: Entity, id: number): Promise<boolean>;
  /** Every reason the entity is still referred to; empty when it may go. */
  referencesTo(ctx: ServiceContext, entity: Entity, id: number): Promise<string[]>;
  /**
   * Tells the modules that follow an entity that it changed (e.g. a shop's business day);
   * returns the ids of the jobs they started.
   */
  changed(ctx: ServiceContext, entity: Entity, id: number): Promise<number[]>;
};

/**
 * What every service gets: the database, who is asking, time and randomness (injected so
 * that month boundaries and jobs are testable), the queues, and the bindings it may reach.
 */
export type ServiceContext = {
  db: Db;
  principal: Principal;
  clock: () => Date;
  random: () => number;
  queues: Queues;
  config: Config;
  env: Env;
  /** Existence and reference checks answered by the module that owns the entity. */
  links: EntityLinks;
};

const dbs = new WeakMap<D1Database, Db>();

function dbFor(d1: D1Database): Db {
  let db = dbs.get(d1);
  if (!db) {
    db = createDb(d1);
    dbs.set(d1, db);
  }
  return db;
}

export function createServiceContext(
  env: Env,
  principal: Principal,
  links: EntityLinks,
  overrides: Partial<Pick<ServiceContext, "clock" | "random">> = {},
): ServiceContext {
  return {
    db: dbFor(env.DB),
    principal,
    clock: overrides.clock ?? (() => new Date()),
    random: overrides.random ?? Math.random,
    queues: { mail: env.MAIL_QUEUE, jobs: env.JOBS_QUEUE },
    config: getConfig(env),
    env,
    links,
  };
}
