import type { z } from "@hono/zod-openapi";
import ExcelJS from "exceljs";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { hhmmOf } from "../lib/business-day";
import { settleExcelJs } from "../lib/exceljs-queue";
import { exponentOf } from "../lib/money";
import type { Shop } from "../modules/catalog";
import { type Figures, figuresJson } from "../modules/sales";
import { guards } from "../platform/http/guards";
import { shown } from "./dashboard";
import type { Shown } from "./dashboard-charts";
import { shopRangeQuery, visibleShop } from "./dashboard-range";
import { page } from "./page";

const reader = guards.scopes("reports:read");
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const exportQuery = shopRangeQuery;

export const NET_FORMULA = "net = gross − discounts − refunds; collected = net + tax";
const FIGURES = [
  "gross",
  "discounts",
  "refunds",
  "net",
  "tax",
  "collected",
  "items_sold",
  "items_refunded",
  "sales",
  "average_sale",
  "items_per_sale",
] as const;

type Row = {
  section: string;
  key: string;
  name: string;
  zone: string;
  dayStart: string;
  figures: Record<(typeof FIGURES)[number], number | null>;
};

/** What is on screen, as rows: the series, the totals, the previous period, shops, products. */
function rowsOf(data: Shown, shop: Shop | null): Row[] {
  const { report } = data.view;
  const exponent = exponentOf(data.currency);
  const plain = {
    name: "",
    zone: shop?.timeZone ?? "",
    dayStart: shop ? hhmmOf(shop.dayStartMinutes) : "",
  };
  const shopRow = (section: string) => (r: { id: number; shop: Shop; figures: Figures }) => ({
    section,
    key: String(r.id),
    name: r.shop.name,
    zone: r.shop.timeZone,
    dayStart: hhmmOf(r.shop.dayStartMinutes),
    figures: figuresJson(r.figures, exponent),
  });
  return [
    ...report.series.map((p) => ({
      section: data.range.interval,
      key: p.period,
      ...plain,
      figures: p,
    })),
    { section: "total", key: `${report.from}..${report.to}`, ...plain, figures: report.totals },
    {
      section: "previous",
      key: `${report.previous.from}..${report.previous.to}`,
      ...plain,
      figures: report.previous,
    },
    ...data.view.topShops.map(shopRow("top_shop")),
    ...data.view.bottomShops.map(shopRow("bottom_shop")),
    ...data.view.topProducts.map((p) => ({
      section: "top_product",
      key: String(p.id),
      name: p.name,
      zone: "",
      dayStart: "",
      figures: figuresJson(p.figures, exponent),
    })),
  ];
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

function filename(data: Shown, ext: string) {
  const shop = data.shopId === null ? "" : `_shop-${data.shopId}`;
  return `sales_${data.range.from}_${data.range.to}${shop}.${ext}`;
}

async function exportData(c: Context<AppEnv>, query: z.infer<typeof exportQuery>) {
  const shopId = query.shop_id ?? null;
  const shop = shopId === null ? null : await visibleShop(c.var.ctx, shopId);
  return { data: await shown(c, query, shopId), shop };
}

/** The workbook: a summary with the rule and the zones, then one sheet per table; net is a formula. */
async function workbookOf(data: Shown, shop: Shop | null): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Retail Edge";
  const rows = rowsOf(data, shop);
  const summary = workbook.addWorksheet("Summary");
  summary.columns = [{ width: 22 }, { width: 70 }];
  summary.addRows([
    ["Range", `${data.range.from} – ${data.range.to}`],
    ["Interval", data.range.interval],
    ["Currency", data.currency],
    ["Rule", `${NET_FORMULA}; a receipt counts on its shop's business day, a refund on its own`],
    ["As of", data.view.report.as_of],
    ["Shop", shop ? `${shop.id} ${shop.name}` : "all shops"],
  ]);
  const zones = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.zone)
      zones.set(
        `${r.zone} (day starts ${r.dayStart})`,
        (zones.get(r.zone) ?? new Set()).add(r.name),
      );
  }
  summary.addRow(["Time zones", [...zones.keys()].join("; ") || "UTC"]);
  summary.getColumn(1).font = { bold: true };
  const table = (name: string, sections: string[], keyHeader: string, withShop: boolean) => {
    const sheet = workbook.addWorksheet(name);
    const money = (label: string) => `${label} (${data.currency})`;
    const digits = exponentOf(data.currency);
    const amountFormat = digits === 0 ? "#,##0" : `#,##0.${"0".repeat(digits)}`;
    const head = [
      keyHeader,
      ...(withShop ? ["Name", "Time zone", "Day starts"] : []),
      money("Gross"),
      money("Discounts"),
      money("Refunds"),
      money("Net"),
      money("Tax"),
      money("Collected"),
      "Items sold",
      "Items refunded",
      "Sales",
      money("Average sale"),
      "Items per sale",
    ];
    sheet.addRow(head).font = { bold: true };
    sheet.columns = head.map((h) => ({ width: Math.max(12, h.length + 2) }));
    const first = withShop ? 5 : 2;
    const col = (n: number) => String.fromCharCode(64 + n);
    for (const r of rows.filter((r) => sections.includes(r.section))) {
      const f = r.figures;
      const row = sheet.addRow([
        r.section === "total" || r.section === "previous" ? `${r.section} ${r.key}` : r.key,
        ...(withShop ? [r.name, r.zone, r.dayStart] : []),
        f.gross,
        f.discounts,
        f.refunds,
        null,
        f.tax,
        null,
        f.items_sold,
        f.items_refunded,
        f.sales,
        f.average_sale,
        f.items_per_sale,
      ]);
      // The one formula, stamped in the cells with their computed results:
      // net = gross − discounts − refunds, collected = net + tax.
      const at = (offset: number) => `${col(first + offset)}${row.number}`;
      row.getCell(first + 3).value = {
        formula: `${at(0)}-${at(1)}-${at(2)}`,
        result: f.net ?? 0,
      };
      row.getCell(first + 5).value = { formula: `${at(3)}+${at(4)}`, result: f.collected ?? 0 };
      for (const n of [0, 1, 2, 3, 4, 5, 9]) row.getCell(first + n).numFmt = amountFormat;
      if (r.section === "total") row.font = { bold: true };
    }
    sheet.views = [{ state: "frozen", ySplit: 1 }];
  };
  table("Series", [data.range.interval, "total", "previous"], "Period", false);
  if (data.shopId === null) table("Shops", ["top_shop", "bottom_shop"], "Shop", true);
  table("Products", ["top_product"], "Product", true);
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
  await settleExcelJs();
  return bytes;
}

export const exportPages = [
  page(
    {
      method: "get",
      path: "/dashboard/export.csv",
      name: "dashboardCsv",
      guard: reader,
      request: { query: exportQuery },
    },
    async (c) => {
      const { data, shop } = await exportData(c, c.req.valid("query"));
      const head = ["section", "key", "name", "time_zone", "day_starts_at", "currency", ...FIGURES];
      const lines = [head.join(",")];
      for (const r of rowsOf(data, shop)) {
        lines.push(
          [
            r.section,
            r.key,
            r.name,
            r.zone,
            r.dayStart,
            data.currency,
            ...FIGURES.map((f) => r.figures[f]),
          ]
            .map(csvCell)
            .join(","),
        );
      }
      c.header("content-disposition", `attachment; filename=${filename(data, "csv")}`);
      return c.body(`${lines.join("\r\n")}\r\n`, 200, {
        "content-type": "text/csv; charset=utf-8",
      });
    },
  ),
  page(
    {
      method: "get",
      path: "/dashboard/export.xlsx",
      name: "dashboardXlsx",
      guard: reader,
      request: { query: exportQuery },
    },
    async (c) => {
      const { data, shop } = await exportData(c, c.req.valid("query"));
      c.header("content-disposition", `attachment; filename=${filename(data, "xlsx")}`);
      return c.body(await workbookOf(data, shop), 200, { "content-type": XLSX_TYPE });
    },
  ),
];
