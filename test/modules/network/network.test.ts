import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { mailTemplates } from "../../../src/modules";
import { debtDecreaseJob, debtIncreaseJob, randomMinor } from "../../../src/modules/network/jobs";
import { runScheduledJob } from "../../../src/platform/jobs/runner";
import { testContext } from "../../support/context";
import { admin, call, eventually, unique } from "../../support/http";
import { createProduct } from "../../support/sales";

type Company = {
  id: number;
  name: string;
  level: number;
  level_name: string;
  debt: number;
  supplier_id: number | null;
};

async function company(
  supplierId: number | null,
  extra: Record<string, unknown> = {},
): Promise<Company> {
  const res = await admin("/api/v1/admin/companies", {
    body: {
      name: unique("Co "),
      email: `${unique("co")}@example.com`,
      country: "Россия",
      city: "Казань",
      street: "Баумана",
      house_number: "7",
      supplier_id: supplierId,
      ...extra,
    },
  });
  if (res.status !== 201) throw new Error(`company: ${res.text}`);
  return res.json;
}

/** factory → distributor → dealership → retail chain → individual entrepreneur */
async function chain(): Promise<Company[]> {
  const out: Company[] = [await company(null)];
  for (let i = 1; i < 5; i++) out.push(await company((out[i - 1] as Company).id));
  return out;
}

async function employeeOf(companyId: number) {
  const username = unique("emp_");
  const password = "employee password";
  const reg = await call("/api/v1/auth/register", {
    body: { username, email: `${username}@example.com`, password, company_id: companyId },
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.text}`);
  const login = await call("/api/v1/auth/login", { body: { username, password } });
  return { user: reg.json, access: login.json.access as string };
}

async function debtOf(id: number): Promise<number> {
  return (await admin(`/api/v1/admin/companies/${id}`)).json.debt;
}

describe("hierarchy", () => {
  it("derives levels from the supplier, 0 factory … 4 individual entrepreneur", async () => {
    const c = await chain();
    expect(c.map((x) => x.level)).toEqual([0, 1, 2, 3, 4]);
    expect(c.map((x) => x.level_name)).toEqual([
      "factory",
      "distributor",
      "dealership",
      "retail chain",
      "individual entrepreneur",
    ]);
    const detail = await admin(`/api/v1/admin/companies/${c[1]?.id}`);
    expect(detail.json.supplier).toEqual({ id: c[0]?.id, name: c[0]?.name });
    expect(detail.json.created_at).toMatch(/Z$/);
  });

  it("refuses a sixth level, a factory with debt, and an unknown supplier", async () => {
    const c = await chain();
    const sixth = await admin("/api/v1/admin/companies", {
      body: {
        name: "Too deep",
        email: "d@example.com",
        country: "X",
        city: "Y",
        street: "Z",
        house_number: "1",
        supplier_id: c[4]?.id,
      },
    });
    expect(sixth.status).toBe(400);
    expect(sixth.json.errors[0].path).toBe("supplier_id");
    const debtor = await admin("/api/v1/admin/companies", {
      body: {
        name: "F",
        email: "f@example.com",
        country: "X",
        city: "Y",
        street: "Z",
        house_number: "1",
        debt: 10,
      },
    });
    expect(debtor.status).toBe(400);
    expect(debtor.json.errors[0].path).toBe("debt");
    const orphan = await admin("/api/v1/admin/companies", {
      body: {
        name: "O",
        email: "o@example.com",
        country: "X",
        city: "Y",
        street: "Z",
        house_number: "1",
        supplier_id: 999999,
      },
    });
    expect(orphan.status).toBe(400);
    const long = await admin("/api/v1/admin/companies", {
      body: {
        name: "n".repeat(51),
        email: "x",
        country: "X",
        city: "Y",
        street: "Z",
        house_number: "1",
      },
    });
    expect(long.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(["email", "name"]);
  });

  it("refuses a cycle (409) and a move that pushes a descendant past level 4 (400); a valid move shifts the subtree", async () => {
    const c = await chain();
    const cycle = await admin(`/api/v1/admin/companies/${c[1]?.id}`, {
      method: "PATCH",
      body: { supplier_id: c[3]?.id },
    });
    expect(cycle.status).toBe(409);
    const self = await admin(`/api/v1/admin/companies/${c[2]?.id}`, {
      method: "PATCH",
      body: { supplier_id: c[2]?.id },
    });
    expect(self.status).toBe(409);
    const other = await chain();
    const tooDeep = await admin(`/api/v1/admin/companies/${c[2]?.id}`, {
      method: "PATCH",
      body: { supplier_id: other[2]?.id },
    });
    expect(tooDeep.status).toBe(400);
    // Moving the dealership (with its 2 levels below) under another factory keeps depths.
    const factory = await company(null);
    const moved = await admin(`/api/v1/admin/companies/${c[3]?.id}`, {
      method: "PATCH",
      body: { supplier_id: factory.id },
    });
    expect(moved.status).toBe(200);
    expect(moved.json.level).toBe(1);
    expect((await admin(`/api/v1/admin/companies/${c[4]?.id}`)).json.level).toBe(2);
    // Made a factory: its debt must go first.
    await admin(`/api/v1/admin/companies/${c[4]?.id}`, { method: "PATCH", body: { debt: 12.5 } });
    const toFactory = await admin(`/api/v1/admin/companies/${c[4]?.id}`, {
      method: "PATCH",
      body: { supplier_id: null },
    });
    expect(toFactory.status).toBe(400);
    const cleared = await admin(`/api/v1/admin/companies/${c[4]?.id}`, {
      method: "PATCH",
      body: { supplier_id: null, debt: 0 },
    });
    expect(cleared.json).toMatchObject({ level: 0, supplier_id: null, debt: 0 });
  });

  it("links catalog products and filters by city, country, level, product and debt above average", async () => {
    const product = await createProduct(10);
    const city = unique("City");
    const f = await company(null, { city, product_ids: [product.id] });
    const d = await company(f.id, { city, debt: 1_000_000 });
    await company(d.id, { city: unique("Elsewhere"), country: "Kazakhstan" });
    const byCity = await admin(`/api/v1/admin/companies?city=${encodeURIComponent(city)}`);
    expect(byCity.json.items.map((x: Company) => x.id)).toEqual([f.id, d.id]);
    const byProduct = await admin(`/api/v1/admin/companies?product_id=${product.id}`);
    expect(byProduct.json.items.map((x: Company) => x.id)).toEqual([f.id]);
    expect(byProduct.json.items[0].products).toEqual([
      { id: product.id, name: product.name, model: "M-1", release_date: "2024-01-15" },
    ]);
    const level1 = await admin(`/api/v1/admin/companies?level=1&city=${encodeURIComponent(city)}`);
    expect(level1.json.items.map((x: Company) => x.id)).toEqual([d.id]);
    const rich = await admin("/api/v1/admin/companies?debt_above_average=true&limit=1000");
    const ids = rich.json.items.map((x: Company) => x.id);
    expect(ids).toContain(d.id);
    expect(ids).not.toContain(f.id);
    const unknownProduct = await admin("/api/v1/admin/companies", {
      body: {
        name: "P",
        email: "p@example.com",
        country: "X",
        city: "Y",
        street: "Z",
        house_number: "1",
        product_ids: [999999],
      },
    });
    expect(unknownProduct.json.errors[0].path).toBe("product_ids[0]");
    expect((await admin("/api/v1/admin/companies?level=5")).status).toBe(400);
  });

  it("deletes a company that supplies no one; 409 otherwise", async () => {
    const f = await company(null);
    const d = await company(f.id);
    expect((await admin(`/api/v1/admin/companies/${f.id}`, { method: "DELETE" })).status).toBe(409);
    expect((await admin(`/api/v1/admin/companies/${d.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await admin(`/api/v1/admin/companies/${d.id}`)).status).toBe(404);
  });
});

describe("clear-debt", () => {
  it("clears up to 20 companies at once", async () => {
    const f = await company(null);
    const three = [
      await company(f.id, { debt: 1 }),
      await company(f.id, { debt: 2 }),
      await company(f.id, { debt: 3 }),
    ];
    const res = await admin("/api/v1/admin/companies/clear-debt", {
      body: { ids: three.map((c) => c.id) },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ cleared: 3 });
    for (const c of three) expect(await debtOf(c.id)).toBe(0);
  });

  it("sends more than 20 through the jobs queue and the job row tracks it", async () => {
    const f = await company(null);
    const many: Company[] = [];
    for (let i = 0; i < 25; i++) many.push(await company(f.id, { debt: 100 + i }));
    const res = await admin("/api/v1/admin/companies/clear-debt", {
      body: { ids: many.map((c) => c.id) },
    });
    expect(res.status).toBe(202);
    const done = await eventually(async () => {
      const job = await admin(`/api/v1/admin/jobs/${res.json.job_id}`);
      return job.json.status === "succeeded" ? job.json : undefined;
    });
    expect(done).toMatchObject({ name: "clear-debt", result: { cleared: 25 } });
    for (const c of many) expect(await debtOf(c.id)).toBe(0);
  });

  it("validates the ids", async () => {
    expect((await admin("/api/v1/admin/companies/clear-debt", { body: { ids: [] } })).status).toBe(
      400,
    );
    expect(
      (await admin("/api/v1/admin/companies/clear-debt", { body: { ids: [1, 1] } })).status,
    ).toBe(400);
  });
});

describe("employees", () => {
  it("see only their own company; another company is a 404", async () => {
    const [a, b] = [await chain(), await chain()];
    const { access } = await employeeOf(a[2]?.id as number);
    const list = await call("/api/v1/companies", { token: access });
    expect(list.json.items.map((x: Company) => x.id)).toEqual([a[2]?.id]);
    expect((await call("/api/v1/companies?country=Nowhere", { token: access })).json.items).toEqual(
      [],
    );
    expect((await call(`/api/v1/companies/${a[2]?.id}`, { token: access })).status).toBe(200);
    for (const other of [b[2]?.id, a[1]?.id, 999999]) {
      expect((await call(`/api/v1/companies/${other}`, { token: access })).status).toBe(404);
      expect((await call(`/api/v1/companies/${other}/products`, { token: access })).status).toBe(
        404,
      );
      expect((await call(`/api/v1/companies/${other}/get_qr`, { token: access })).status).toBe(404);
    }
  });

  it("answers 401 without, with expired and with tampered tokens; 403 for users without a company", async () => {
    const [c] = await chain();
    const { access, user } = await employeeOf(c?.id as number);
    expect((await call(`/api/v1/companies/${c?.id}`)).status).toBe(401);
    const expired = await new SignJWT({ typ: "access", company_id: c?.id })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(user.id))
      .setIssuer("retail-edge")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode("test-jwt-secret-0123456789-0123456789"));
    expect((await call(`/api/v1/companies/${c?.id}`, { token: expired })).status).toBe(401);
    const [h, p, s] = access.split(".");
    const payload = JSON.parse(atob((p ?? "").replaceAll("-", "+").replaceAll("_", "/")));
    const forged = btoa(JSON.stringify({ ...payload, company_id: 999 }))
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    expect(
      (await call(`/api/v1/companies/${c?.id}`, { token: `${h}.${forged}.${s}` })).status,
    ).toBe(401);
    const plain = await call("/api/v1/auth/register", {
      body: {
        username: unique("plain_"),
        email: `${unique("p")}@example.com`,
        password: "long enough pass",
      },
    });
    const login = await call("/api/v1/auth/login", {
      body: { username: plain.json.username, password: "long enough pass" },
    });
    expect((await call("/api/v1/companies", { token: login.json.access })).status).toBe(403);
  });

  it("registers employees only for existing companies", async () => {
    const res = await call("/api/v1/auth/register", {
      body: {
        username: unique("e_"),
        email: `${unique("e")}@example.com`,
        password: "long enough pass",
        company_id: 999999,
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].path).toBe("company_id");
  });

  it("reads the company's products and cannot change debt", async () => {
    const product = await createProduct(5);
    const f = await company(null, { product_ids: [product.id] });
    const { access } = await employeeOf(f.id);
    const products = await call(`/api/v1/companies/${f.id}/products`, { token: access });
    expect(products.json.items.map((p: { id: number }) => p.id)).toEqual([product.id]);
    expect(
      (
        await call(`/api/v1/companies/${f.id}`, {
          method: "PATCH",
          token: access,
          body: { debt: 0 },
        })
      ).status,
    ).toBe(405);
    expect(
      (
        await call(`/api/v1/admin/companies/${f.id}`, {
          method: "PATCH",
          token: access,
          body: { debt: 0 },
        })
      ).status,
    ).toBe(403);
  });

  it("queues a QR code e-mail whose PNG decodes to the company's contacts", async () => {
    const f = await company(null, {
      name: "ООО Ромашка",
      email: "info@romashka.example",
      street: "Ленина",
      house_number: "12А",
    });
    const { access, user } = await employeeOf(f.id);
    // POST is the documented way (a GET that sends mail can be prefetched).
    const res = await call(`/api/v1/companies/${f.id}/get_qr`, { method: "POST", token: access });
    expect(res.status).toBe(202);
    const mail = await eventually(async () => {
      const list = await admin(`/api/v1/admin/outbox?to=${encodeURIComponent(user.email)}`);
      return list.json.items.find(
        (m: { subject: string; status: string }) =>
          m.subject.startsWith("QR") && m.status === "sent",
      );
    });
    const detail = await admin(`/api/v1/admin/outbox/${mail.id}`);
    const [attachment] = detail.json.attachments;
    expect(attachment.content_type).toBe("image/png");
    // pngjs's sync reader calls zlib's Inflate without `new`, which workerd's zlib refuses.
    const png = await new Promise<PNG>((resolve, reject) =>
      new PNG().parse(Buffer.from(attachment.content_base64, "base64"), (error, image) =>
        error ? reject(error) : resolve(image),
      ),
    );
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toBe("ООО Ромашка\ninfo@romashka.example\nРоссия, Казань, Ленина, 12А");
    // The HTML part shows the same PNG inline, and the contacts in words.
    expect(attachment.content_id).toBe("company-qr");
    expect(detail.json.html).toContain('<img src="cid:company-qr"');
    expect(detail.json.html).toContain('href="mailto:info@romashka.example"');
    expect(detail.json.html).toContain("Россия, Казань, Ленина, 12А");
    expect(detail.json.html).toContain('<html lang="ru">');
    // The original GET still works, deprecated in the OpenAPI document.
    expect((await call(`/api/v1/companies/${f.id}/get_qr`, { token: access })).status).toBe(202);
  });
});

describe("mail in English (MAIL_LOCALE=en)", () => {
  it("renders every template in the configured language", async () => {
    const ctx = testContext();
    const en = { ...ctx, config: { ...ctx.config, MAIL_LOCALE: "en" as const } };
    const f = await company(null, { name: "Daisy Ltd" });
    const rendered = await Promise.all(
      [...mailTemplates.values()].map(async (t) => {
        const data = {
          welcome: { username: "ann" },
          "company-qr": { companyId: f.id },
          "robot-in-stock": { model: "R2", version: "D2" },
          "weekly-robot-report": { end: "2026-11-29" },
          "d1-capacity-warning": { percent: 81, sizeBytes: 8_100_000_000, fullOn: "2027-01-15" },
        }[t.name];
        expect(data, t.name).toBeDefined();
        return [t.name, await t.render(data as never, en)] as const;
      }),
    );
    const byName = Object.fromEntries(rendered);
    expect(byName.welcome?.subject).toBe("Registration");
    expect(byName["company-qr"]?.subject).toBe("QR code of Daisy Ltd");
    expect(byName["robot-in-stock"]?.text).toContain("This robot is now in stock.");
    expect(byName["weekly-robot-report"]?.subject).toBe("Robot production, the week to 2026-11-29");
    expect(byName["d1-capacity-warning"]?.subject).toBe("D1 is 81 % full");
    expect(byName["d1-capacity-warning"]?.text).toContain("it is full on 2027-01-15");
    // Nothing Cyrillic is left in an English mail but the data itself.
    for (const [name, mail] of rendered) {
      expect(/[А-я]/.test(`${mail.subject}\n${mail.text}`), name).toBe(false);
    }
  });
});

describe("debt jobs", () => {
  const at = (iso: string) => new Date(iso);

  it("adds 5.00..500.00 to each company with a supplier, once per scheduled time", async () => {
    const f = await company(null);
    const d = await company(f.id, { debt: 10 });
    const before = await debtOf(d.id);
    const low = await runScheduledJob(
      debtIncreaseJob,
      testContext({ clock: () => at("2026-01-01T03:00:00Z"), random: () => 0 }),
      { runFor: at("2026-01-01T03:00:00Z"), period: "test-inc-1", trigger: "cron" },
    );
    expect(low.applied).toBe(true);
    expect(await debtOf(d.id)).toBeCloseTo(before + 5, 2);
    expect(await debtOf(f.id)).toBe(0);
    const high = await runScheduledJob(
      debtIncreaseJob,
      testContext({ clock: () => at("2026-01-01T06:00:00Z"), random: () => 0.999999999 }),
      { runFor: at("2026-01-01T06:00:00Z"), period: "test-inc-2", trigger: "cron" },
    );
    expect(high.applied).toBe(true);
    expect(await debtOf(d.id)).toBeCloseTo(before + 505, 2);
    const again = await runScheduledJob(
      debtIncreaseJob,
      testContext({ clock: () => at("2026-01-01T06:00:00Z"), random: () => 0.5 }),
      { runFor: at("2026-01-01T06:00:00Z"), period: "test-inc-2", trigger: "cron" },
    );
    expect(again.applied).toBe(false);
    expect(await debtOf(d.id)).toBeCloseTo(before + 505, 2);
  });

  it("takes 100.00..10 000.00 off daily, never below 0", async () => {
    const f = await company(null);
    const rich = await company(f.id, { debt: 20_000 });
    const poor = await company(f.id, { debt: 50 });
    await runScheduledJob(
      debtDecreaseJob,
      testContext({ clock: () => at("2026-01-02T06:30:00Z"), random: () => 0 }),
      { runFor: at("2026-01-02T06:30:00Z"), period: "test-dec-1", trigger: "cron" },
    );
    expect(await debtOf(rich.id)).toBe(19_900);
    expect(await debtOf(poor.id)).toBe(0);
    await runScheduledJob(
      debtDecreaseJob,
      testContext({ clock: () => at("2026-01-03T06:30:00Z"), random: () => 0.999999999 }),
      { runFor: at("2026-01-03T06:30:00Z"), period: "test-dec-2", trigger: "cron" },
    );
    expect(await debtOf(rich.id)).toBe(9_900);
  });

  it("keeps every amount within its bounds and in whole kopecks", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 1000; i++) {
      const v = randomMinor(random, 500, 50_000);
      expect(Number.isInteger(v) && v >= 500 && v <= 50_000).toBe(true);
    }
  });

  it("runs from the Cron Triggers and from the admin endpoint", async () => {
    const f = await company(null);
    const d = await company(f.id);
    const controller = createScheduledController({
      cron: "0 */3 * * *",
      scheduledTime: at("2026-02-01T09:00:00Z"),
    });
    await worker.scheduled(controller, env);
    const afterCron = await debtOf(d.id);
    expect(afterCron).toBeGreaterThanOrEqual(5);
    expect(afterCron).toBeLessThanOrEqual(500);
    await worker.scheduled(controller, env);
    expect(await debtOf(d.id)).toBe(afterCron);
    const run = await admin("/api/v1/admin/jobs/debt-increase/run", { method: "POST" });
    expect(run.json.applied).toBe(true);
    expect(await debtOf(d.id)).toBeGreaterThan(afterCron);
    const dec = await admin("/api/v1/admin/jobs/debt-decrease/run", { method: "POST" });
    expect(dec.json.applied).toBe(true);
  });
});
