import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { modules } from "../../src/modules";
import {
  ADMIN_TOKEN,
  BASE,
  bodyText,
  call,
  eventually,
  registerAndLogin,
  unique,
} from "../support/http";

// Every operation of /openapi.json gets malformed input, generated from its own schema, and must
// answer with a problem+json client error and change nothing.

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  format?: string;
};
type Parameter = { name: string; in: "path" | "query" | "header"; schema: Schema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

// A new seed each run finds new cases; a failure names its seed, FUZZ_SEED=<seed> replays it.
const SEED = Number(env.FUZZ_SEED ?? Date.now() % 2 ** 31);
let doc: {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
let employeeToken = "";

function resolve(schema: Schema): Schema {
  return schema.$ref
    ? resolve(doc.components.schemas[schema.$ref.split("/").at(-1) ?? ""] ?? {})
    : schema;
}

function typesOf(schema: Schema): string[] {
  const s = resolve(schema);
  if (s.anyOf) return s.anyOf.flatMap(typesOf);
  if (Array.isArray(s.type)) return s.type;
  return s.type ? [s.type] : ["string", "number", "integer", "boolean", "object", "array", "null"];
}

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\u202etxt.exe",
    "😀".repeat(300),
    "x".repeat(10_000),
    " ",
    "",
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 64, -(2 ** 63), 1e308, -0, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2),
  fc.boolean(),
  fc.constant(null),
  fc.constant(JSON.parse(`${"[".repeat(500)}${"]".repeat(500)}`)),
  fc.object({ maxDepth: 3 }),
);

/** Values that no schema of these types accepts. */
function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const options: fc.Arbitrary<unknown>[] = [];
  if (!types.includes("string"))
    options.push(fc.constantFrom("1", "true", "", "😀", "x".repeat(5000)));
  if (!types.includes("number") && !types.includes("integer"))
    options.push(fc.constantFrom(0, 1, -1, 1e308, 2 ** 64));
  if (!types.includes("boolean")) options.push(fc.boolean());
  if (!types.includes("object")) options.push(fc.constant({ nested: { deep: [1] } }));
  if (!types.includes("array")) options.push(fc.constant([1, "two", null]));
  if (!types.includes("null")) options.push(fc.constant(null));
  return fc.oneof(...options);
}

/** A body that may look almost right, with at least one part that makes it invalid. */
function malformedBody(schema: Schema): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const fields = Object.entries(s.properties ?? {});
  const random = fc.record(Object.fromEntries(fields.map(([k]) => [k, nasty])), {
    requiredKeys: [],
  });
  const wrongField = fields.length
    ? fc
        .constantFrom(...fields)
        .chain(([name, field]) =>
          fc.tuple(random, wrongType(field)).map(([body, bad]) => ({ ...body, [name]: bad })),
        )
    : fc.constant({ unexpected: true });
  const unknownKey = fc
    .tuple(random, nasty)
    .map(([body, v]) => ({ ...body, [unique("__unknown_")]: v }));
  const notAnObject = fc.oneof(
    fc.constant(null),
    fc.array(nasty, { maxLength: 3 }),
    fc.string(),
    fc.integer(),
  );
  return fc.oneof(wrongField, unknownKey, notAnObject);
}

const RAW_BODIES = [
  '{"truncated": ',
  "{",
  "\uFEFF{",
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  "null",
  "[]",
  '"a string"',
  "123",
];
const BAD_UTF8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]);

/** Query values that the parameter's constraints refuse. */
function malformedQuery(schema: Schema): string[] {
  const s = resolve(schema);
  const out: string[] = [];
  if (typesOf(s).includes("integer"))
    out.push("abc", "-1", "0x10", "1e3", "1.5", "99999999999", "");
  if (s.enum) out.push("nope", "TRUE", "%00");
  if (s.pattern) out.push("%00", "😀", "x".repeat(300));
  if (s.format === "date") out.push("2026-13-01", "yesterday");
  if (s.maxLength !== undefined && s.maxLength < 5000) out.push("x".repeat(s.maxLength + 1));
  return out;
}

const BOGUS_IDS = [
  "0x10",
  "1.0",
  "1e3",
  "+1",
  "01",
  "%201",
  "-1",
  "0",
  "99999999999999999999",
  "%00",
  "%F0%9F%98%80",
  "abc",
];

async function snapshot(): Promise<string> {
  const { results } = await env.DB.prepare(
    "select name, sql like '%WITHOUT ROWID%' as keyed from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations' order by name",
  ).all<{ name: string; keyed: number }>();
  // A row count and the newest rowid; a table keyed WITHOUT ROWID (sales) has its count alone.
  const of = (t: { name: string; keyed: number }) =>
    t.keyed
      ? `(select count(*) from "${t.name}") as "${t.name}"`
      : `(select count(*) || ':' || coalesce(max(rowid), 0) from "${t.name}") as "${t.name}"`;
  const counts = await env.DB.prepare(`select ${results.map(of).join(", ")}`).first();
  const buffered = (await call("/api/v1/admin/sales/status", { token: ADMIN_TOKEN })).json.buffered;
  return JSON.stringify({ counts, buffered });
}

async function send(method: string, path: string, token: string | null, body?: BodyInit) {
  const headers = new Headers();
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (body !== undefined) headers.set("content-type", "application/json");
  const res = await exports.default.fetch(`${BASE}${path}`, { method, headers, body });
  const text = await bodyText(res);
  return { status: res.status, type: res.headers.get("content-type"), text };
}

function expectProblem(res: Awaited<ReturnType<typeof send>>, allowed: number[], label: string) {
  expect(allowed, `${label} → ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
  expect(res.type, label).toBe("application/problem+json");
  expect(JSON.parse(res.text).status, label).toBe(res.status);
}

const guardOf = new Map(
  modules.flatMap((m) => m.routes).map((r) => [r.spec.operationId, r.spec.guard]),
);

beforeAll(async () => {
  doc = (await call("/openapi.json")).json;
  const employer = await call("/api/v1/admin/companies", {
    token: ADMIN_TOKEN,
    body: {
      name: "Fuzz Co",
      email: "fuzz@example.com",
      country: "F",
      city: "F",
      street: "F",
      house_number: "1",
    },
  });
  const employee = await registerAndLogin({ companyId: employer.json.id });
  employeeToken = employee.access;
  // The welcome e-mail lands in the outbox asynchronously: let it, before counting rows.
  await eventually(async () => {
    const res = await call(`/api/v1/admin/outbox?to=${employee.user.email}`, {
      token: ADMIN_TOKEN,
    });
    return res.json.items[0]?.status === "sent" ? true : undefined;
  });
});

describe("malformed input, generated from the OpenAPI document", () => {
  it("covers every operation that takes input", () => {
    const withInput = Object.values(doc.paths)
      .flatMap((ops) => Object.values(ops))
      .filter((op) => op.requestBody || op.parameters?.length);
    expect(withInput.length).toBeGreaterThan(40);
  });

  // One test per operation, built lazily once the document is loaded.
  it("answers every operation's malformed input with a problem and changes nothing", async () => {
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const params = op.parameters ?? [];
        const bodySchema = op.requestBody?.content["application/json"]?.schema;
        if (!bodySchema && params.length === 0) continue;
        operations++;
        const guard = guardOf.get(op.operationId);
        const token =
          guard?.kind === "public"
            ? null
            : guard?.kind === "employee"
              ? employeeToken
              : ADMIN_TOKEN;
        const fill = (id = "987654321") =>
          path.replace(/\{(\w+)\}/g, (_, name) => (name === "id" ? id : `NO-SUCH-${name}`));
        const before = await snapshot();
        let cases = 0;
        const label = `${method.toUpperCase()} ${path} (FUZZ_SEED=${SEED})`;

        for (const p of params.filter((x) => x.in === "path")) {
          const generated = fc
            .sample(fc.string({ minLength: 1, maxLength: 30 }), { numRuns: 10, seed: SEED })
            .map(encodeURIComponent)
            // Dot segments never reach a server: the URL standard removes them client-side.
            .filter((segment) => segment !== "." && segment !== "..");
          for (const bogus of [...BOGUS_IDS, ...generated]) {
            const url = path.replace(`{${p.name}}`, bogus).replace(/\{(\w+)\}/g, "987654321");
            const res = await send(method.toUpperCase(), url, token, bodySchema ? "{}" : undefined);
            expectProblem(
              res,
              p.name === "id" ? [400, 404, 405] : [400, 404, 405],
              `${label} path ${bogus}`,
            );
            cases++;
          }
        }
        for (const p of params.filter((x) => x.in === "query")) {
          for (const value of malformedQuery(p.schema)) {
            const res = await send(method.toUpperCase(), `${fill()}?${p.name}=${value}`, token);
            expectProblem(res, [400], `${label} ?${p.name}=${value.slice(0, 20)}`);
            cases++;
          }
        }
        if (bodySchema) {
          for (const raw of [...RAW_BODIES, BAD_UTF8]) {
            const res = await send(method.toUpperCase(), fill(), token, raw);
            expectProblem(res, [400], `${label} raw body`);
            cases++;
          }
          for (const body of fc.sample(malformedBody(bodySchema), { numRuns: 20, seed: SEED })) {
            const res = await send(method.toUpperCase(), fill(), token, JSON.stringify(body));
            expectProblem(res, [400, 413], `${label} ${JSON.stringify(body).slice(0, 200)}`);
            cases++;
          }
        }
        while (cases < 20) {
          const [value] = fc.sample(fc.string({ maxLength: 300 }), {
            numRuns: 1,
            seed: SEED + cases,
          });
          const res = await send(
            method.toUpperCase(),
            `${fill()}?limit=${encodeURIComponent(`x${value}`)}`,
            token,
          );
          const limited = params.some((x) => x.name === "limit");
          if (limited) expectProblem(res, [400], `${label} limit`);
          cases++;
        }
        expect(await snapshot(), `${label} changed a table`).toBe(before);
      }
    }
    expect(operations).toBeGreaterThan(40);
  }, 180_000);
});
