import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { rowsAfter } from "../../db/pages";
import { conflict, invalidField } from "../../lib/errors";
import type { ServiceContext } from "../../platform/context";
import { enqueueMail } from "../../platform/mail/producer";
import { robotInStockMail } from "./mail";
import { robotModels, robotOrders, robots } from "./schema";

export async function createModel(ctx: ServiceContext, code: string) {
  try {
    const [row] = await ctx.db
      .insert(robotModels)
      .values({ code, createdAt: ctx.clock() })
      .returning();
    if (!row) throw new Error("model row was not created");
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(`Robot model ${code} exists already.`, [
        { path: "code", message: "already in the catalog" },
      ]);
    }
    throw error;
  }
}

export const listModels = (db: Db, afterId: number, limit: number) =>
  rowsAfter(db, robotModels, afterId, limit);

/** Robots, the last recorded first: `before` is the id the previous page ended at (0: the last). */
export async function listRobots(db: Db, before: number, limit: number) {
  return db
    .select()
    .from(robots)
    .where(before > 0 ? lt(robots.id, before) : undefined)
    .orderBy(desc(robots.id))
    .limit(limit + 1);
}

/** Customers' orders, oldest first, optionally only those in one state. */
export const listRobotOrders = (
  db: Db,
  status: "waiting" | "reserved" | undefined,
  afterId: number,
  limit: number,
) => rowsAfter(db, robotOrders, afterId, limit, status && eq(robotOrders.status, status));

/**
 * Records a produced robot. In the same D1 batch (one transaction) the oldest customer waiting
 * for this serial gets it reserved; that customer's e-mail is queued after the commit.
 */
export async function createRobot(
  ctx: ServiceContext,
  input: { model: string; version: string; created: Date },
) {
  const { db } = ctx;
  const [model] = await db.select().from(robotModels).where(eq(robotModels.code, input.model));
  if (!model) throw invalidField("model", `unknown model ${input.model}`);
  const serial = `${input.model}-${input.version}`;
  const oldestWaiting = sql`(SELECT id FROM ${robotOrders}
    WHERE ${robotOrders.serial} = ${serial} AND ${robotOrders.status} = 'waiting'
    ORDER BY ${robotOrders.createdAt}, ${robotOrders.id} LIMIT 1)`;
  const [inserted, claimed] = await db.batch([
    db
      .insert(robots)
      .values({
        serial,
        model: input.model,
        version: input.version,
        createdAt: input.created,
        status: "in_stock",
      })
      .returning({ id: robots.id }),
    // last_insert_rowid() is the robot just inserted: UPDATEs do not change it.
    db
      .update(robotOrders)
      .set({ status: "reserved", robotId: sql`last_insert_rowid()` })
      .where(eq(robotOrders.id, oldestWaiting))
      .returning({ id: robotOrders.id, email: robotOrders.email }),
    db
      .update(robots)
      .set({
        status: "reserved",
        orderId: sql`(SELECT id FROM ${robotOrders} WHERE ${robotOrders.robotId} = ${robots.id})`,
      })
      .where(
        and(
          eq(robots.id, sql`last_insert_rowid()`),
          sql`EXISTS (SELECT 1 FROM ${robotOrders} WHERE ${robotOrders.robotId} = ${robots.id})`,
        ),
      ),
  ]);
  const waiting = claimed[0];
  if (waiting) {
    await enqueueMail(ctx.queues.mail, robotInStockMail, waiting.email, {
      model: input.model,
      version: input.version,
    });
  }
  if (!inserted[0]) throw new Error("robot row was not created");
  return { serial, model: input.model, version: input.version, createdAt: input.created };
}

/**
 * A customer asks for a serial: the oldest robot of it in stock is reserved for them (201), or
 * they wait for the next one produced (202). One D1 batch: the order row, then the robot claim.
 */
export async function orderRobot(ctx: ServiceContext, email: string, serial: string) {
  const { db } = ctx;
  const oldestInStock = sql`(SELECT id FROM ${robots}
    WHERE ${robots.serial} = ${serial} AND ${robots.status} = 'in_stock'
    ORDER BY ${robots.createdAt}, ${robots.id} LIMIT 1)`;
  const [, reserved] = await db.batch([
    db.insert(robotOrders).values({ email, serial, status: "waiting", createdAt: ctx.clock() }),
    // last_insert_rowid() is the order just inserted.
    db
      .update(robots)
      .set({ status: "reserved", orderId: sql`last_insert_rowid()` })
      .where(eq(robots.id, oldestInStock))
      .returning({ id: robots.id }),
    db
      .update(robotOrders)
      .set({
        status: "reserved",
        robotId: sql`(SELECT id FROM ${robots} WHERE ${robots.orderId} = ${robotOrders.id})`,
      })
      .where(
        and(
          eq(robotOrders.id, sql`last_insert_rowid()`),
          sql`EXISTS (SELECT 1 FROM ${robots} WHERE ${robots.orderId} = ${robotOrders.id})`,
        ),
      ),
  ]);
  return reserved.length > 0 ? ("reserved" as const) : ("waiting" as const);
}
