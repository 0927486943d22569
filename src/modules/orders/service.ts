import { and, asc, avg, count, eq, gte, lte, type SQL, sql, sum } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { ApiError } from "../../lib/errors";
import { toMajor } from "../../lib/money";
import type { Upload } from "./dto";
import { orderItems, orders, sellerDailyStats, sellers } from "./schema";

// Rows travel as one JSON parameter per statement (D1 binds ≤ 100 parameters, values ≤ 2 MB);
// 1 000 rows stay far under 2 MB even at the field limits' usual sizes.
const ROWS_PER_STATEMENT = 1000;

function chunks<T>(rows: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const inJson = (column: SQL | typeof orders.orderNumber, values: string[]) =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

export type UploadResult = {
  user: string;
  created: number;
  updated: number;
  items: number;
  statements: number;
};

/**
 * Upserts a seller's orders by order number and replaces their items, all in one D1 batch (one
 * transaction) of multi-row statements. The ownership check (409) runs before any write, and
 * the writes only ever touch this seller's orders, so a race cannot cross sellers.
 */
export async function uploadOrders(db: Db, body: Upload, now: Date): Promise<UploadResult> {
  const numbers = body.orders.map((o) => o.order_number);
  const owners = await db
    .select({ orderNumber: orders.orderNumber, seller: sellers.name })
    .from(orders)
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .where(inJson(orders.orderNumber, numbers));
  const foreign = owners.filter((o) => o.seller !== body.user).map((o) => o.orderNumber);
  if (foreign.length > 0) {
    const taken = new Set(foreign);
    throw new ApiError("conflict", `${foreign.length} order number(s) belong to another seller.`, {
      errors: body.orders.flatMap((o, i) =>
        taken.has(o.order_number)
          ? [{ path: `orders[${i}].order_number`, message: "belongs to another seller" }]
          : [],
      ),
    });
  }
  const updated = owners.length;
  const sellerId = sql`(SELECT id FROM ${sellers} WHERE ${sellers.name} = ${body.user})`;
  const nowMs = now.getTime();

  const statements: BatchItem<"sqlite">[] = [
    db.insert(sellers).values({ name: body.user, createdAt: now }).onConflictDoNothing(),
  ];
  for (const part of chunks(body.orders)) {
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
  for (const part of chunks(numbers)) {
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
  for (const part of chunks(items)) {
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
  const [first, ...rest] = statements;
  if (!first) throw new Error("no statements");
  await db.batch([first, ...rest]);
  return {
    user: body.user,
    created: body.orders.length - updated,
    updated,
    items: items.length,
    statements: statements.length,
  };
}

async function sellerByName(db: Db, name: string) {
  const [seller] = await db.select().from(sellers).where(eq(sellers.name, name));
  if (!seller) throw new ApiError("not_found", `There is no seller ${name}.`);
  return seller;
}

/** Half-up rounding of an average of integer minor units. */
function averageMinor(totalMinor: number, n: number): number {
  return n === 0 ? 0 : Math.round(totalMinor / n);
}

export async function sellerStats(db: Db, user: string) {
  const seller = await sellerByName(db, user);
  const [row] = await db
    .select({ n: count(), total: sum(orders.totalMinor).mapWith(Number) })
    .from(orders)
    .where(eq(orders.sellerId, seller.id));
  const n = row?.n ?? 0;
  const total = row?.total ?? 0;
  return {
    user,
    orders_count: n,
    total_revenue: toMajor(total),
    avg_order_value: toMajor(averageMinor(total, n)),
  };
}

export async function getOrder(db: Db, orderNumber: string, seller: string | null) {
  const [order] = await db
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
    .where(eq(orders.orderNumber, orderNumber));
  // Another seller's order is as unknown as a missing one.
  if (!order || (seller !== null && order.user !== seller)) {
    throw new ApiError("not_found", `There is no order ${orderNumber}.`);
  }
  const items = await db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, order.id))
    .orderBy(asc(orderItems.id));
  return {
    order_number: order.orderNumber,
    user: order.user,
    created_at: order.createdAt.toISOString(),
    total_amount: toMajor(order.totalMinor),
    status: order.status,
    items: items.map((i) => ({
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      price: toMajor(i.priceMinor),
    })),
  };
}

export async function dailyStats(db: Db, user: string, from?: string, to?: string) {
  const seller = await sellerByName(db, user);
  const filters = [eq(sellerDailyStats.sellerId, seller.id)];
  if (from) filters.push(gte(sellerDailyStats.day, from));
  if (to) filters.push(lte(sellerDailyStats.day, to));
  const rows = await db
    .select()
    .from(sellerDailyStats)
    .where(and(...filters))
    .orderBy(asc(sellerDailyStats.day))
    .limit(1000);
  return {
    user,
    items: rows.map((r) => ({
      day: r.day,
      orders_count: r.ordersCount,
      total_revenue: toMajor(r.revenueMinor),
      avg_order_value: toMajor(r.avgMinor),
    })),
  };
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
