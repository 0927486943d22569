import { and, asc, count, gte, lt } from "drizzle-orm";
import ExcelJS from "exceljs";
import type { Db } from "../../db/client";
import { invalidField } from "../../lib/errors";
import { settleExcelJs } from "../../lib/exceljs-queue";
import { robots } from "./schema";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const XLSX_FILENAME = "weekly_production_summary.xlsx";
export const HEADER = ["Модель", "Версия", "Количество за неделю"];
export const EMPTY_SHEET = "Нет производства";
export const TOTAL_LABEL = "Итого";
const DAY_MS = 86_400_000;

/** The week a workbook covers, for its file name outside the API (docs/API.md#robots fixes the API's). */
export function weeklyFilename(end: string): string {
  const start = weekWindow(end).start.toISOString().slice(0, 10);
  return `weekly_production_summary_${start}_${end}.xlsx`;
}

/** `end` as the week's last day: a week that has not ended yet is refused (400), not guessed. */
export function checkWeekEnd(end: string, now: Date): string {
  if (end > now.toISOString().slice(0, 10)) throw invalidField("end", "must not be in the future");
  return end;
}

/** The 7 UTC days ending at `end` (inclusive): [end − 6 days 00:00, end + 1 day 00:00). */
export function weekWindow(end: string) {
  const endExclusive = Date.parse(`${end}T00:00:00Z`) + DAY_MS;
  return { start: new Date(endExclusive - 7 * DAY_MS), end: new Date(endExclusive) };
}

/** Robots per model and version in the week: one grouped query. */
export async function weeklyCounts(db: Db, end: string) {
  const window = weekWindow(end);
  return db
    .select({ model: robots.model, version: robots.version, count: count() })
    .from(robots)
    .where(and(gte(robots.createdAt, window.start), lt(robots.createdAt, window.end)))
    .groupBy(robots.model, robots.version)
    .orderBy(asc(robots.model), asc(robots.version));
}

// One font for the whole workbook, header included: a reader without it falls back once.
const FONT = { name: "Calibri", size: 11, family: 2 } as const;

/** One sheet per model produced in the week (a row per version, a total row); one sheet if none. */
export async function buildWeeklyWorkbook(db: Db, end: string): Promise<Uint8Array> {
  const rows = await weeklyCounts(db, end);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Retail Edge";
  workbook.created = new Date(`${end}T00:00:00Z`);
  // Which week: in the document's title and every printed page's header. docs/API.md#robots keeps row 1
  // for the column header, so no title row goes above it.
  const week = `${weekWindow(end).start.toISOString().slice(0, 10)} — ${end} (UTC)`;
  workbook.title = `Производство роботов: ${week}`;
  workbook.subject = week;
  const byModel = Map.groupBy(rows, (r) => r.model);
  for (const [model, versions] of byModel) {
    const sheet = workbook.addWorksheet(model);
    sheet.columns = [
      { header: HEADER[0], key: "model", width: 12 },
      { header: HEADER[1], key: "version", width: 12 },
      { header: HEADER[2], key: "count", width: 26, style: { alignment: { horizontal: "right" } } },
    ];
    for (const v of versions) sheet.addRow({ model: v.model, version: v.version, count: v.count });
    sheet.addRow({
      model: TOTAL_LABEL,
      count: versions.reduce((sum, v) => sum + v.count, 0),
    }).font = { ...FONT, bold: true };
    styleSheet(sheet, week);
  }
  if (byModel.size === 0) {
    const sheet = workbook.addWorksheet(EMPTY_SHEET);
    sheet.columns = [{ header: EMPTY_SHEET, key: "note", width: 60 }];
    const window = weekWindow(end);
    sheet.addRow({
      note: `С ${window.start.toISOString().slice(0, 10)} по ${end} роботы не производились.`,
    });
    styleSheet(sheet, week);
  }
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
  await settleExcelJs();
  return bytes;
}

/** The body's font everywhere, the header bold and frozen, the week on each printed page. */
function styleSheet(sheet: ExcelJS.Worksheet, week: string) {
  sheet.headerFooter.oddHeader = `&L&B${sheet.name}&R${week}`;
  sheet.eachRow((row, n) => {
    row.font = { ...FONT, bold: n === 1 || row.font?.bold === true };
  });
  sheet.views = [{ state: "frozen", ySplit: 1 }];
}
