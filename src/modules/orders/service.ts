import { and, asc, avg, count, eq, gt, gte, lte, type SQL, sql, sum } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { conflict, notFound } from "../../lib/errors";
import { chunks, inJson } from "../../lib/sql";
import type { ServiceContext } from "../../platform/context";
import { assertMayRead, assertMaySee, assertMayWrite } from "./access";
import type { Upload } from "./dto";
import {
  type OrderWithItems,
  orderItems,
  orders,
  type SellerStats,
  sellerDailyStats,
  sellers,
} from "./schema";

// Rows travel as one JSON parameter per statement (D1 binds ≤ 100 parameters, values ≤ 2 MB);
// 1 000 rows stay far under 2 MB even at the field limits' usual sizes.
const ROWS_PER_STATEMENT = 1000;

export type UploadResult = {
  user: string;
  created: number;
  updated: number;
  items: number;
  statements: number;
};

/** 409 before any write when one of the numbers is another seller's. */
async function assertOwnNumbers(db: Db, body: Upload) {
  const owners = await db
    .select({ orderNumber: orders.orderNumber, seller: sellers.name })
    .from(orders)
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .where(
      inJson(
        orders.orderNumber,
        body.orders.map((o) => o.order_number),
      ),
    );
  const taken = new Set(owners.filter((o) => o.seller !== body.user).map((o) => o.orderNumber));
  if (taken.size > 0) {
    throw conflict(
      `${taken.size} order number(s) belong to another seller.`,
      body.orders.flatMap((o, i) =>
        taken.has(o.order_number)
          ? [{ path: `orders[${i}].order_number`, message: "belongs to another seller" }]
          : [],
      ),
    );
  }
  return owners.length;
}

function upsertStatements(db: Db, body: Upload, sellerId: SQL, nowMs: number) {
  const statements: BatchItem<"sqlite">[] = [];
  for (const part of chunks(body.orders, ROWS_PER_STATEMENT)) {
    const rows = part.map((o) => [
      o.order_number,
      Date.parse(o.created_at),
      o.total_amount,
      o.status,
    ]);
    statements.push(
      db
        .insert(orders)
        .select(
          sql`SELECT NULL, value ->> '$[0]', ${sellerId}, value ->> '$[1]', value ->> '$[2]',
                     value ->> '$[3]', ${nowMs}
              FROM json_each(${JSON.stringify(rows)}) WHERE true`,
        )
        .onConflictDoUpdate({
          target: orders.orderNumber,
          set: {
            createdAt: sql`excluded.created_at`,
            totalMinor: sql`excluded.total_minor`,
            status: sql`excluded.status`,
            updatedAt: sql`excluded.updated_at`,
          },
          setWhere: sql`${orders.sellerId} = excluded.seller_id`,
        }),
    );
  }
  return statements;
}

function itemStatements(db: Db, body: Upload, sellerId: SQL) {
  const statements: BatchItem<"sqlite">[] = [];
  for (const part of chunks(
    body.orders.map((o) => o.order_number),
    ROWS_PER_STATEMENT,
  )) {
    statements.push(
      db.delete(orderItems).where(
        sql`${orderItems.orderId} IN (SELECT id FROM ${orders}
                WHERE ${orders.sellerId} = ${sellerId} AND ${inJson(orders.orderNumber, part)})`,
      ),
    );
  }
  const items = body.orders.flatMap((o) =>
    o.items.map((i) => [o.order_number, i.sku, i.name, i.quantity, i.price]),
  );
  for (const part of chunks(items, ROWS_PER_STATEMENT)) {
    statements.push(
      db.insert(orderItems).select(
        // A per-row lookup through the order_number index; a JOIN let the planner scan orders
        // once per JSON row (seconds for 3 000 items).
        sql`SELECT NULL,
                   (SELECT id FROM ${orders} WHERE order_number = j.value ->> '$[0]' AND seller_id = ${sellerId}),
                   j.value ->> '$[1]', j.value ->> '$[2]', j.value ->> '$[3]', j.value ->> '$[4]'
            FROM json_each(${JSON.stringify(part)}) AS j WHERE true`,
      ),
    );
  }
  return { statements, items: items.length };
}

/**
 * Upserts a seller's orders by order number and replaces their items, all in one D1 batch (one
 * transaction) of multi-row statements. The ownership check (409) runs before any write, and
 * the writes only ever touch this seller's orders, so a race cannot cross sellers.
 */
export async function uploadOrders(ctx: ServiceContext, body: Upload): Promise<UploadResult> {
  assertMayWrite(ctx.principal, body.user);
  const { db } = ctx;
  const updated = await assertOwnNumbers(db, body);
  const sellerId = sql`(SELECT id FROM ${sellers} WHERE ${sellers.name} = ${body.user})`;
  const now = ctx.clock();
  const items = itemStatements(db, body, sellerId);
  const statements: BatchItem<"sqlite">[] = [
    db.insert(sellers).values({ name: body.user, createdAt: now }).onConflictDoNothing(),
    ...upsertStatements(db, body, sellerId, now.getTime()),
    ...items.statements,
  ];
  const [first, ...rest] = statements;
  if (!first) throw new Error("no statements");
  await db.batch([first, ...rest]);
  return {
    user: body.user,
    created: body.orders.length - updated,
    updated,
    items: items.items,
    statements: statements.length,
  };
}

async function sellerByName(db: Db, name: string) {
  const [seller] = await db.select().from(sellers).where(eq(sellers.name, name));
  if (!seller) throw notFound(`There is no seller ${name}.`);
  return seller;
}

export async function sellerStats(ctx: ServiceContext, user: string): Promise<SellerStats> {
  assertMayRead(ctx.principal, user);
  const seller = await sellerByName(ctx.db, user);
  const cancelled = sql`lower(${orders.status}) IN ('cancelled', 'canceled')`;
  const [row] = await ctx.db
    .select({
      n: count(),
      total: sum(orders.totalMinor).mapWith(Number),
      cancelled: sql<number>`count(*) FILTER (WHERE ${cancelled})`.mapWith(Number),
      cancelledTotal:
        sql<number>`coalesce(sum(${orders.totalMinor}) FILTER (WHERE ${cancelled}), 0)`.mapWith(
          Number,
        ),
    })
    .from(orders)
    .where(eq(orders.sellerId, seller.id));
  const revenueMinor = row?.total ?? 0;
  return {
    user,
    ordersCount: row?.n ?? 0,
    revenueMinor,
    cancelledCount: row?.cancelled ?? 0,
    revenueExcludingCancelledMinor: revenueMinor - (row?.cancelledTotal ?? 0),
  };
}

/** Orders with their seller's name, without items. */
function summaries(db: Db) {
  return db
    .select({
      id: orders.id,
      orderNumber: orders.orderNumber,
      user: sellers.name,
      createdAt: orders.createdAt,
      totalMinor: orders.totalMinor,
      status: orders.status,
    })
    .from(orders)
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .$dynamic();
}

export async function getOrder(ctx: ServiceContext, orderNumber: string): Promise<OrderWithItems> {
  const { db } = ctx;
  const [order] = await summaries(db).where(eq(orders.orderNumber, orderNumber));
  if (!order) throw notFound(`There is no order ${orderNumber}.`);
  assertMaySee(ctx.principal, order.user, orderNumber);
  const items = await db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, order.id))
    .orderBy(asc(orderItems.id));
  return { ...order, items };
}

/** The states orders are in (free text in the upload), for the admin's status filter. */
export async function orderStatuses(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ status: orders.status })
    .from(orders)
    .orderBy(orders.status)
    .limit(100);
  return rows.map((r) => r.status);
}

/** Orders by id, optionally of one seller, in one state, or whose number contains `q`. */
export async function listOrders(
  db: Db,
  filter: { seller?: string; q?: string; status?: string },
  afterId: number,
  limit: number,
) {
  const where: SQL[] = [];
  if (afterId > 0) where.push(gt(orders.id, afterId));
  if (filter.status) where.push(eq(orders.status, filter.status));
  if (filter.seller) where.push(eq(sellers.name, filter.seller));
  if (filter.q) where.push(sql`instr(${orders.orderNumber}, ${filter.q}) > 0`);
  return summaries(db)
    .where(and(...where))
    .orderBy(orders.id)
    .limit(limit + 1);
}

export async function dailyStats(
  ctx: ServiceContext,
  user: string,
  range: { from?: string; to?: string; afterDay?: string },
  limit: number,
) {
  assertMayRead(ctx.principal, user);
  const seller = await sellerByName(ctx.db, user);
  const filters = [eq(sellerDailyStats.sellerId, seller.id)];
  if (range.from) filters.push(gte(sellerDailyStats.day, range.from));
  if (range.to) filters.push(lte(sellerDailyStats.day, range.to));
  if (range.afterDay) filters.push(gt(sellerDailyStats.day, range.afterDay));
  return ctx.db
    .select()
    .from(sellerDailyStats)
    .where(and(...filters))
    .orderBy(asc(sellerDailyStats.day))
    .limit(limit + 1);
}

/** The previous UTC day of `time`, as YYYY-MM-DD, with its bounds in ms. */
export function previousUtcDay(time: Date) {
  const end = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  const start = end - 86_400_000;
  return { day: new Date(start).toISOString().slice(0, 10), start, end };
}

/** The statement of the daily job: every seller's count, revenue and average for one UTC day. */
export function dailyStatsStatement(db: Db, time: Date) {
  const { day, start, end } = previousUtcDay(time);
  const statement = db
    .insert(sellerDailyStats)
    .select(
      db
        .select({
          sellerId: orders.sellerId,
          day: sql<string>`${day}`.as("day"),
          ordersCount: count().as("orders_count"),
          revenueMinor: sum(orders.totalMinor).as("revenue_minor"),
          avgMinor: sql<number>`cast(round(${avg(orders.totalMinor)}) as integer)`.as("avg_minor"),
        })
        .from(orders)
        .where(and(gte(orders.createdAt, new Date(start)), sql`${orders.createdAt} < ${end}`))
        .groupBy(orders.sellerId),
    )
    .onConflictDoUpdate({
      target: [sellerDailyStats.sellerId, sellerDailyStats.day],
      set: {
        ordersCount: sql`excluded.orders_count`,
        revenueMinor: sql`excluded.revenue_minor`,
        avgMinor: sql`excluded.avg_minor`,
      },
    });
  return { day, statement };
}
