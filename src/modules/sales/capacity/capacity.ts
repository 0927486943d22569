// D1's capacity (docs/ARCHIVE.md#d1s-capacity): how full the database is, what a sale costs in
// it, and the date at which the recent rate of sales fills it — so that the archive runs, or
// the operator acts, before a write is refused.
import { desc, lt } from "drizzle-orm";
import { z } from "zod";
import { log } from "../../../lib/log";
import type { ServiceContext } from "../../../platform/context";
import { defineScheduledJob } from "../../../platform/jobs/job";
import { enqueueMail } from "../../../platform/mail/producer";
import { defineTemplate } from "../../../platform/mail/template";
import { adminEmails } from "../../auth";
import { d1Capacity } from "./schema";

export const WARNING_PERCENT = 80;
// The recent rate: the sales of the last full business days, a week smooths out the weekend.
const RATE_DAYS = 7;
const KEEP_DAYS = 400;
const DAY_MS = 86_400_000;

export type Capacity = {
  sizeBytes: number;
  limitBytes: number;
  percent: number;
  warning: boolean;
  /** Rows per table as the last count found them, and when that was. */
  rows: Record<string, number>;
  countedAt: Date;
  bytesPerSale: number | null;
  salesPerDay: number;
  /** The day the recent rate fills the limit (UTC); null without sales lately. */
  fullOn: string | null;
};

/** The database's size in bytes, as D1 reports it with every statement. */
async function sizeBytes(d1: D1Database): Promise<number> {
  const { meta } = await d1.prepare("SELECT 1").run();
  return Number(meta.size_after ?? 0);
}

/** Every table's rows: a full count, hence done by the daily job, not by each page view. */
async function countRows(d1: D1Database): Promise<Record<string, number>> {
  const { results } = await d1
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table'
       AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name`,
    )
    .all<{ name: string }>();
  const counts = await d1.batch<{ n: number }>(
    results.map((t) => d1.prepare(`SELECT count(*) AS n FROM "${t.name.replaceAll('"', '""')}"`)),
  );
  return Object.fromEntries(results.map((t, i) => [t.name, counts[i]?.results[0]?.n ?? 0]));
}

/** Sales a day over the last RATE_DAYS full days, from the day rollups (days × shops rows). */
async function salesPerDay(d1: D1Database, now: Date): Promise<number> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const row = await d1
    .prepare("SELECT coalesce(sum(sales), 0) AS n FROM shop_day WHERE day >= ?1 AND day < ?2")
    .bind(day(now.getTime() - RATE_DAYS * DAY_MS), day(now.getTime()))
    .first<{ n: number }>();
  return (row?.n ?? 0) / RATE_DAYS;
}

type Count = { rows: Record<string, number>; sizeBytes: number; sales: number; takenAt: Date };

function figures(ctx: ServiceContext, size: number, count: Count, perDay: number): Capacity {
  const limitBytes = ctx.config.D1_LIMIT_BYTES;
  const percent = Math.round((size / limitBytes) * 1000) / 10;
  // All-in: the database's bytes over the sales it holds, rollups and other tables included.
  const bytesPerSale = count.sales > 0 ? Math.round(count.sizeBytes / count.sales) : null;
  const daysLeft =
    bytesPerSale && perDay > 0 ? Math.max(0, (limitBytes - size) / (bytesPerSale * perDay)) : null;
  return {
    sizeBytes: size,
    limitBytes,
    percent,
    warning: percent >= WARNING_PERCENT,
    rows: count.rows,
    countedAt: count.takenAt,
    bytesPerSale,
    salesPerDay: Math.round(perDay),
    fullOn:
      daysLeft === null
        ? null
        : new Date(ctx.clock().getTime() + Math.min(daysLeft, 36_500) * DAY_MS)
            .toISOString()
            .slice(0, 10),
  };
}

async function countNow(ctx: ServiceContext): Promise<Count> {
  const [rows, size] = await Promise.all([countRows(ctx.env.DB), sizeBytes(ctx.env.DB)]);
  return { rows, sizeBytes: size, sales: rows.sales ?? 0, takenAt: ctx.clock() };
}

/**
 * The figures for /admin: the size and the rate as of now (cheap), the rows as the daily job
 * counted them; the first view of a new deployment counts them itself.
 */
export async function capacity(ctx: ServiceContext): Promise<Capacity> {
  const [[last], size, perDay] = await Promise.all([
    ctx.db.select().from(d1Capacity).orderBy(desc(d1Capacity.takenAt)).limit(1),
    sizeBytes(ctx.env.DB),
    salesPerDay(ctx.env.DB, ctx.clock()),
  ]);
  return figures(ctx, size, last ?? (await countNow(ctx)), perDay);
}

export const capacityWarningMail = defineTemplate({
  name: "d1-capacity-warning",
  data: z.object({ percent: z.number(), sizeBytes: z.number(), fullOn: z.string().nullable() }),
  render: ({ percent, sizeBytes, fullOn }, ctx) => {
    const gb = (sizeBytes / 1e9).toFixed(2);
    const ru = ctx.config.MAIL_LOCALE === "ru";
    const when = fullOn ?? (ru ? "неизвестно (нет продаж за неделю)" : "unknown (no sales lately)");
    return {
      subject: ru ? `База D1 заполнена на ${percent} %` : `D1 is ${percent} % full`,
      text: ru
        ? `База D1 занимает ${gb} ГБ (${percent} % предела). При нынешнем темпе продаж она заполнится ${when}.\nЗакрытые месяцы переносит в архив задача archive-closed-months; см. /admin/archive.`
        : `D1 holds ${gb} GB (${percent} % of its limit). At the recent rate of sales it is full on ${when}.\nClosed months move to the archive with the archive-closed-months job; see /admin/archive.`,
      attachments: [],
    };
  },
});

/**
 * Counts D1 each day and keeps the count; when D1 first goes above the warning line, a
 * structured log line and a mail to every admin (once, until it goes below again).
 */
export const capacityJob = defineScheduledJob({
  name: "d1-capacity",
  cron: "20 2 * * *",
  description: "Counts D1's size and rows; warns the admins when it passes 80 % of its limit",
  period: (t) => t.toISOString().slice(0, 10),
  plan: async (ctx, runFor) => {
    const [[previous], count, perDay] = await Promise.all([
      ctx.db.select().from(d1Capacity).orderBy(desc(d1Capacity.takenAt)).limit(1),
      countNow(ctx),
      salesPerDay(ctx.env.DB, runFor),
    ]);
    const now = figures(ctx, count.sizeBytes, count, perDay);
    const started = now.warning && !previous?.warning;
    return {
      statements: [
        ctx.db
          .insert(d1Capacity)
          .values({ ...count, warning: now.warning })
          .onConflictDoNothing(),
        ctx.db
          .delete(d1Capacity)
          .where(lt(d1Capacity.takenAt, new Date(runFor.getTime() - KEEP_DAYS * DAY_MS))),
      ],
      result: {
        size_bytes: now.sizeBytes,
        percent: now.percent,
        full_on: now.fullOn,
        warning_started: started,
      },
    };
  },
  afterCommit: async (ctx, result) => {
    const r = result as { size_bytes: number; percent: number; full_on: string | null };
    if (!(result as { warning_started: boolean }).warning_started) return;
    log("warn", "d1 capacity warning", { event: "d1_capacity_warning", ...r });
    const data = { percent: r.percent, sizeBytes: r.size_bytes, fullOn: r.full_on };
    for (const to of await adminEmails(ctx.db))
      await enqueueMail(ctx.queues.mail, capacityWarningMail, to, data);
  },
});
