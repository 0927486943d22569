import { createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { settleExcelJs } from "../../../src/lib/exceljs-queue";
import { admin, BASE, call, eventually, registerAndLogin } from "../../support/http";
import { createKey } from "../../support/sales";

const IN_STOCK_TEXT = (model: string, version: string) =>
  "Добрый день!\n" +
  `Недавно вы интересовались нашим роботом модели ${model}, версии ${version}.\n` +
  "Этот робот теперь в наличии. Если вам подходит этот вариант - пожалуйста, свяжитесь с нами.";

let ip = 0;
/** The order form is rate limited per address: each call here comes from its own. */
const order = (body: Record<string, unknown>, from = `10.0.0.${++ip}`) =>
  call("/api/v1/robots/orders", { body, headers: { "cf-connecting-ip": from } });

const robot = (model: string, version: string, created = "2026-11-02 10:00:00") =>
  admin("/api/v1/robots", { body: { model, version, created } });

async function workbook(end: string) {
  const res = await exports.default.fetch(`${BASE}/api/v1/robots/reports/weekly.xlsx?end=${end}`, {
    headers: { authorization: "Bearer test-admin-token-0123456789" },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  );
  expect(res.headers.get("content-disposition")).toBe(
    "attachment; filename=weekly_production_summary.xlsx",
  );
  return readWorkbook(await res.arrayBuffer());
}

/** Opens a workbook as a client would (tests share the isolate, so settle exceljs's queue). */
async function readWorkbook(bytes: ArrayBuffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes);
  await settleExcelJs();
  return book;
}

function sheetRows(book: ExcelJS.Workbook, name: string) {
  const sheet = book.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { sheet, rows };
}

beforeAll(async () => {
  for (const code of ["R2", "13", "X5", "C3", "W1"])
    await admin("/api/v1/admin/robot-models", { body: { code } });
});

describe("robot models", () => {
  it("adds a model once (409 after) and lists the catalog", async () => {
    expect((await admin("/api/v1/admin/robot-models", { body: { code: "Q9" } })).status).toBe(201);
    const again = await admin("/api/v1/admin/robot-models", { body: { code: "Q9" } });
    expect(again.status).toBe(409);
    const list = await admin("/api/v1/admin/robot-models");
    expect(list.json.items.map((m: { code: string }) => m.code)).toEqual(
      expect.arrayContaining(["R2", "13", "Q9"]),
    );
    expect((await admin("/api/v1/admin/robot-models", { body: { code: "TOO" } })).status).toBe(400);
  });
});

describe("POST /api/v1/robots", () => {
  it("accepts both time formats and answers the serial", async () => {
    const a = await robot("R2", "D2", "2026-11-02 10:00:00");
    expect(a.status).toBe(201);
    expect(a.json).toEqual({
      serial: "R2-D2",
      model: "R2",
      version: "D2",
      created: "2026-11-02T10:00:00.000Z",
    });
    const b = await robot("R2", "D2", "2026-11-02T13:00:00+03:00");
    expect(b.json.created).toBe("2026-11-02T10:00:00.000Z");
  });

  it("refuses bad robots with a 400 naming the field", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const cases: [Record<string, unknown>, string][] = [
      [{ model: "R", version: "D2", created: "2026-11-02 10:00:00" }, "model"],
      [{ model: "R2D", version: "D2", created: "2026-11-02 10:00:00" }, "model"],
      [{ model: "R-", version: "D2", created: "2026-11-02 10:00:00" }, "model"],
      [{ model: "ZZ", version: "D2", created: "2026-11-02 10:00:00" }, "model"],
      [{ model: "R2", version: "D", created: "2026-11-02 10:00:00" }, "version"],
      [{ model: "R2", version: "D2", created: "02.11.2026 10:00" }, "created"],
      [{ model: "R2", version: "D2", created: "2026-11-02T10:00:00" }, "created"],
      [{ model: "R2", version: "D2", created: "2026-02-30 10:00:00" }, "created"],
      [{ model: "R2", version: "D2", created: future }, "created"],
      [{ model: "R2", version: "D2" }, "created"],
      [{ model: "R2", version: "D2", created: "2026-11-02 10:00:00", color: "red" }, ""],
    ];
    for (const [body, path] of cases) {
      const res = await admin("/api/v1/robots", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      if (path) expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it("needs robots:write or the admin", async () => {
    const body = { model: "R2", version: "D2", created: "2026-11-02 10:00:00" };
    expect((await call("/api/v1/robots", { body })).status).toBe(401);
    const factory = await createKey({ scopes: ["robots:write"] });
    expect((await call("/api/v1/robots", { body, token: factory })).status).toBe(201);
    const reader = await createKey({ scopes: ["reports:read"] });
    expect((await call("/api/v1/robots", { body, token: reader })).status).toBe(403);
    const { access } = await registerAndLogin();
    expect((await call("/api/v1/robots", { body, token: access })).status).toBe(403);
  });
});

describe("weekly workbook", () => {
  it("has one sheet per model, a row per version, counts of the 7 days ending at end", async () => {
    // The week ending 2025-03-16 is 10 March 00:00 .. 16 March 23:59:59 UTC.
    await robot("X5", "A1", "2025-03-09 23:59:59"); // the day before: outside
    await robot("X5", "A1", "2025-03-10 00:00:00");
    await robot("X5", "A1", "2025-03-12T15:00:00Z");
    await robot("X5", "B2", "2025-03-16 23:59:59");
    await robot("C3", "PO", "2025-03-14T01:00:00+03:00"); // 13 March UTC
    await robot("C3", "PO", "2025-03-17 00:00:00"); // the day after: outside
    const book = await workbook("2025-03-16");
    expect(book.worksheets.map((s) => s.name).sort()).toEqual(["C3", "X5"]);
    const x5 = sheetRows(book, "X5");
    expect(x5.rows).toEqual([
      ["Модель", "Версия", "Количество за неделю"],
      ["X5", "A1", 2],
      ["X5", "B2", 1],
      ["Итого", undefined, 3],
    ]);
    expect(x5.sheet.getRow(1).font?.bold).toBe(true);
    expect(x5.sheet.getColumn(3).width).toBeGreaterThanOrEqual(20);
    expect(sheetRows(book, "C3").rows).toEqual([
      ["Модель", "Версия", "Количество за неделю"],
      ["C3", "PO", 1],
      ["Итого", undefined, 1],
    ]);
  });

  it("sets the header in the body's font and size, numbers right-aligned, a bold total", async () => {
    await robot("W1", "Z9", "2025-06-03 08:00:00");
    const { sheet } = sheetRows(await workbook("2025-06-07"), "W1");
    const header = sheet.getRow(1).getCell(1).font;
    const body = sheet.getRow(2).getCell(1).font;
    expect(header?.name).toBe("Calibri");
    expect(header?.name).toBe(body?.name);
    expect(header?.size).toBe(body?.size);
    expect(sheet.getRow(2).getCell(3).alignment?.horizontal).toBe("right");
    expect(sheet.getRow(3).getCell(1).value).toBe("Итого");
    expect(sheet.getRow(3).getCell(3).value).toBe(1);
    expect(sheet.getRow(3).font?.bold).toBe(true);
  });

  it("is a valid workbook with one explanatory sheet for a week without production", async () => {
    const book = await workbook("2001-01-07");
    expect(book.worksheets).toHaveLength(1);
    expect(book.worksheets[0]?.name).toBe("Нет производства");
  });

  it("needs reports:read or the admin, and a valid end date", async () => {
    expect((await call("/api/v1/robots/reports/weekly.xlsx")).status).toBe(401);
    const factory = await createKey({ scopes: ["robots:write"] });
    expect((await call("/api/v1/robots/reports/weekly.xlsx", { token: factory })).status).toBe(403);
    const reader = await createKey({ scopes: ["reports:read"] });
    expect((await call("/api/v1/robots/reports/weekly.xlsx", { token: reader })).status).toBe(200);
    expect((await admin("/api/v1/robots/reports/weekly.xlsx?end=2025-13-01")).status).toBe(400);
  });

  it("refuses a week that has not ended (an end after today) with a 400 naming end", async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await admin(`/api/v1/robots/reports/weekly.xlsx?end=${tomorrow}`);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: "end", message: "must not be in the future" }]);
  });

  it("says which week it covers: the document's title and each sheet's printed header", async () => {
    await robot("X5", "Q1", "2025-04-02 08:00:00");
    const book = await workbook("2025-04-06");
    expect(book.title).toBe("Производство роботов: 2025-03-31 — 2025-04-06 (UTC)");
    for (const sheet of book.worksheets) {
      expect(sheet.headerFooter.oddHeader).toContain("2025-03-31 — 2025-04-06 (UTC)");
    }
  });
});

describe("robot orders and the waitlist", () => {
  it("reserves a robot in stock at once (201) and it leaves stock", async () => {
    await robot("W1", "S1");
    const first = await order({ email: "first@example.com", serial: "W1-S1" });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ status: "reserved" });
    const second = await order({ email: "second@example.com", serial: "W1-S1" });
    expect(second.status).toBe(202);
    expect(second.json).toEqual({ status: "waiting" });
  });

  it("gives a new robot to the oldest waiting customer, mails them once, and only them", async () => {
    const serial = "13-K7";
    expect((await order({ email: "oldest@example.com", serial })).status).toBe(202);
    expect((await order({ email: "younger@example.com", serial })).status).toBe(202);
    expect((await robot("13", "K7")).status).toBe(201);

    const mail = await eventually(async () => {
      const res = await admin("/api/v1/admin/outbox?to=oldest@example.com");
      return res.json.items.find((m: { status: string }) => m.status === "sent");
    });
    expect(mail.subject).toBe("Робот в наличии");
    expect(mail.text).toBe(IN_STOCK_TEXT("13", "K7"));
    expect((await admin("/api/v1/admin/outbox?to=younger@example.com")).json.items).toEqual([]);

    // The robot went to the waiting customer, not to stock; the next robot goes to the next one.
    expect((await order({ email: "walkin@example.com", serial })).status).toBe(202);
    await robot("13", "K7");
    await eventually(async () => {
      const res = await admin("/api/v1/admin/outbox?to=younger@example.com");
      return res.json.items.length === 1 ? res.json.items : undefined;
    });
    await robot("13", "K7");
    await robot("13", "K7");
    await eventually(async () => {
      const res = await admin("/api/v1/admin/outbox?to=walkin@example.com");
      return res.json.items.length === 1 ? res.json.items : undefined;
    });
    // Each waiting order is notified once, however many robots follow.
    const oldest = await admin("/api/v1/admin/outbox?to=oldest@example.com");
    expect(oldest.json.items).toHaveLength(1);
    const stock = await env.DB.prepare(
      "select count(*) as n from robots where serial = ? and status = 'in_stock'",
    )
      .bind(serial)
      .first<{ n: number }>();
    expect(stock?.n).toBe(1);
  });

  it("validates the form and limits it per address", async () => {
    expect((await order({ email: "nope", serial: "R2-D2" })).status).toBe(400);
    expect((await order({ email: "a@example.com", serial: "R2D2" })).status).toBe(400);
    const from = "192.0.2.77";
    const answers = [];
    // 22 requests: at most 20 fit even if a 60 s window turns over among them.
    for (let i = 0; i < 22; i++)
      answers.push((await order({ email: `x${i}@example.com`, serial: "Q1-Q1" }, from)).status);
    expect(answers.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(answers).toContain(429);
    expect(answers.every((s) => s === 202 || s === 429)).toBe(true);
  });
});

describe("weekly-robot-report job", () => {
  it("mails the workbook to REPORT_EMAIL on Monday 07:00 UTC, once per week", async () => {
    const before = (
      await admin("/api/v1/admin/outbox?to=operator@retail-edge.test&limit=1000")
    ).json.items.filter((m: { subject: string }) => m.subject.includes("2025-03-16")).length;
    const controller = createScheduledController({
      cron: "0 7 * * 1",
      scheduledTime: new Date(Date.UTC(2025, 2, 17, 7, 0)),
    });
    await worker.scheduled(controller, env);
    await worker.scheduled(controller, env); // a retried trigger
    const mails = await eventually(async () => {
      const res = await admin("/api/v1/admin/outbox?to=operator@retail-edge.test&limit=1000");
      const found = res.json.items.filter(
        (m: { subject: string; status: string }) =>
          m.subject.includes("2025-03-16") && m.status === "sent",
      );
      return found.length > before ? found : undefined;
    });
    expect(mails).toHaveLength(before + 1);
    const detail = await admin(`/api/v1/admin/outbox/${mails.at(-1).id}`);
    const [attachment] = detail.json.attachments;
    // The mail names its week (docs/API.md#robots fixes only the API download's name).
    expect(attachment.filename).toBe("weekly_production_summary_2025-03-10_2025-03-16.xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      Uint8Array.from(atob(attachment.content_base64), (ch) => ch.charCodeAt(0)).buffer,
    );
    expect(book.worksheets.map((s) => s.name)).toContain("X5");
  });

  it("runs on demand through the admin jobs endpoint", async () => {
    const run = await admin("/api/v1/admin/jobs/weekly-robot-report/run", { method: "POST" });
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ job: "weekly-robot-report", applied: true });
  });
});
