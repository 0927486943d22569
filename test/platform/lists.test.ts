import { beforeAll, describe, expect, it } from "vitest";
import { modules } from "../../src/modules";
import { ADMIN_TOKEN, call, registerAndLogin } from "../support/http";
import { createProduct } from "../support/sales";

type Schema = { $ref?: string; properties?: Record<string, Schema>; type?: string | string[] };
type Operation = {
  operationId: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

let doc: {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
let employee = { token: "", companyId: 0 };
const guardOf = new Map(
  modules.flatMap((m) => m.routes).map((r) => [r.spec.operationId, r.spec.guard]),
);

const resolve = (s: Schema): Schema =>
  s.$ref ? resolve(doc.components.schemas[s.$ref.split("/").at(-1) ?? ""] ?? {}) : s;

/**
 * Every operation whose answer is a list: `items` and at most a field or two around them (an
 * order with its `items` is a record, not a list). The top-10 reports are rankings of a fixed
 * size, not lists, and keep the contract's shape.
 */
function listOperations() {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).flatMap(([method, op]) => {
      const schema = op.responses["200"]?.content?.["application/json"]?.schema;
      const body = schema && resolve(schema);
      const ranking = op.tags?.includes("Reports");
      const fields = Object.keys(body?.properties ?? {});
      const list = fields.includes("items") && fields.length <= 3 && !ranking;
      return method === "get" && list ? [{ path, op, body }] : [];
    }),
  );
}

beforeAll(async () => {
  doc = (await call("/openapi.json")).json;
  const company = await call("/api/v1/admin/companies", {
    token: ADMIN_TOKEN,
    body: {
      name: "Lists Co",
      email: "l@example.com",
      country: "L",
      city: "L",
      street: "L",
      house_number: "1",
    },
  });
  const products = await Promise.all([createProduct(1), createProduct(2), createProduct(3)]);
  await call(`/api/v1/admin/companies/${company.json.id}`, {
    token: ADMIN_TOKEN,
    method: "PATCH",
    body: { product_ids: products.map((p) => p.id) },
  });
  employee = {
    token: (await registerAndLogin({ companyId: company.json.id })).access,
    companyId: company.json.id,
  };
  // The seller whose statistics the daily list pages through.
  await call("/api/orders/upload", {
    token: ADMIN_TOKEN,
    body: {
      user: "lists_seller",
      orders: [
        {
          order_number: `L-${Date.now()}`,
          created_at: "2026-01-01T00:00:00Z",
          total_amount: 1,
          status: "new",
          items: [{ sku: "a", name: "a", quantity: 1, price: 1 }],
        },
      ],
    },
  });
  await call("/api/v1/admin/jobs/daily-order-stats/run", { token: ADMIN_TOKEN, method: "POST" });
});

describe("the list convention, on every list operation", () => {
  it("finds the list operations in the document", () => {
    expect(listOperations().length).toBeGreaterThanOrEqual(15);
  });

  it("answers {items, next_cursor}, takes ?limit= and ?cursor=, and pages every row once", async () => {
    for (const { path, op, body } of listOperations()) {
      const label = `${op.operationId} ${path}`;
      expect(Object.keys(body?.properties ?? {}), label).toContain("next_cursor");
      const names = (op.parameters ?? []).map((p) => p.name);
      expect(names, label).toEqual(expect.arrayContaining(["limit", "cursor"]));
      const employeeRoute = guardOf.get(op.operationId)?.kind === "employee";
      const token = employeeRoute ? employee.token : ADMIN_TOKEN;
      const required = (op.parameters ?? []).filter((p) => p.required && p.in === "query");
      const extra = required
        .map((p) => `&${p.name}=${p.name === "user" ? "lists_seller" : "x"}`)
        .join("");
      const url = path.replace("{id}", String(employee.companyId));
      expect((await call(`${url}?limit=0${extra}`, { token })).status, label).toBe(400);
      expect((await call(`${url}?limit=1001${extra}`, { token })).status, label).toBe(400);
      const seen = new Set<string>();
      let cursor: string | null = null;
      for (let pageNo = 0; pageNo < 3; pageNo++) {
        const res: Awaited<ReturnType<typeof call>> = await call(
          `${url}?limit=1${extra}${cursor ? `&cursor=${cursor}` : ""}`,
          { token },
        );
        expect(res.status, `${label} ${res.text.slice(0, 200)}`).toBe(200);
        expect(res.json.items.length, label).toBeLessThanOrEqual(1);
        for (const item of res.json.items) {
          const key = JSON.stringify(item);
          expect(seen.has(key), `${label} repeated ${key}`).toBe(false);
          seen.add(key);
        }
        cursor = res.json.next_cursor;
        if (!cursor) break;
      }
    }
  });
});
