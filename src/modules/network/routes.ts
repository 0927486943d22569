import { z } from "@hono/zod-openapi";
import type { Principal } from "../../env";
import { notFound } from "../../lib/errors";
import { idParams } from "../../lib/ids";
import {
  decodeCursor,
  encodeCursor,
  pageQuerySchema,
  pageSchema,
  toPage,
} from "../../lib/pagination";
import type { ServiceContext } from "../../platform/context";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import { enqueueBulkJob } from "../../platform/jobs/runner";
import { enqueueMail } from "../../platform/mail/producer";
import {
  clearDebtSchema,
  companyFilterSchema,
  companySchema,
  createCompanySchema,
  productListSchema,
  serializeCompany,
  updateCompanySchema,
} from "./dto";
import { clearDebtJob } from "./jobs";
import { companyQrMail } from "./mail";
import { type CompanyFilter, getCompany, listCompanies } from "./queries";
import { clearDebt, createCompany, deleteCompany, updateCompany } from "./service";

// Up to this many ids are cleared in the request; more go through the jobs queue.
export const CLEAR_NOW_MAX = 20;
const tags = ["Network"];

async function page(ctx: ServiceContext, filter: CompanyFilter, limit: number, cursor?: string) {
  const { items, hasMore } = await listCompanies(ctx.db, filter, decodeCursor(cursor), limit);
  const last = items.at(-1);
  return {
    items: items.map(serializeCompany),
    next_cursor: hasMore && last ? encodeCursor(last.id) : null,
  };
}

/** An employee reads their own company only: any other id is as unknown as a missing one. */
function ownCompany(p: Principal, id: number): number {
  if (p.kind !== "user" || p.companyId !== id) throw notFound(`There is no company ${id}.`);
  return id;
}

const admin = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/companies",
      operationId: "listCompanies",
      guard: guards.admin,
      tags,
      summary: "List companies, with filters",
      description:
        "`city` and `country` match exactly; `debt_above_average=true`: debt above the average debt of all companies.",
      request: { query: pageQuerySchema.extend(companyFilterSchema.shape) },
      responses: { 200: jsonResponse(pageSchema(companySchema), "A page of companies") },
    },
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      return c.json(await page(c.var.ctx, filter, limit, cursor), 200);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/companies",
      operationId: "createCompany",
      guard: guards.admin,
      tags,
      summary: "Create a company (its level comes from its supplier)",
      description:
        "No supplier: a factory (level 0), which cannot owe. A supplier at level 4 is refused (400).",
      request: { body: jsonBody(createCompanySchema) },
      responses: { 201: jsonResponse(companySchema, "The company") },
    },
    async (c) => c.json(serializeCompany(await createCompany(c.var.ctx, c.req.valid("json"))), 201),
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/companies/clear-debt",
      operationId: "clearCompanyDebt",
      guard: guards.admin,
      tags,
      summary: "Set the debt of companies to 0",
      description: `Up to ${CLEAR_NOW_MAX} ids: done now (200). More: a bulk job (202, follow GET /api/v1/admin/jobs/{job_id}).`,
      request: { body: jsonBody(clearDebtSchema) },
      responses: {
        200: jsonResponse(z.object({ cleared: z.number().int() }), "Cleared"),
        202: jsonResponse(z.object({ job_id: z.number().int() }), "Queued"),
      },
    },
    async (c) => {
      const { ids } = c.req.valid("json");
      if (ids.length <= CLEAR_NOW_MAX)
        return c.json({ cleared: await clearDebt(c.var.ctx, ids) }, 200);
      return c.json({ job_id: await enqueueBulkJob(c.var.ctx, clearDebtJob, { ids }) }, 202);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/companies/{id}",
      operationId: "getCompany",
      guard: guards.admin,
      tags,
      summary: "One company",
      description: "With its supplier and the products it carries.",
      request: { params: idParams },
      responses: { 200: jsonResponse(companySchema, "The company"), 404: errors[404] },
    },
    async (c) =>
      c.json(serializeCompany(await getCompany(c.var.ctx.db, c.req.valid("param").id)), 200),
  ),
  defineRoute(
    {
      method: "patch",
      path: "/api/v1/admin/companies/{id}",
      operationId: "updateCompany",
      guard: guards.admin,
      tags,
      summary: "Change a company (a new supplier moves its whole subtree)",
      description: "A cycle is a 409; a move that would put a company below level 4 is a 400.",
      request: { params: idParams, body: jsonBody(updateCompanySchema) },
      responses: {
        200: jsonResponse(companySchema, "The company"),
        404: errors[404],
        409: errors[409],
      },
    },
    async (c) => {
      const company = await updateCompany(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
      return c.json(serializeCompany(company), 200);
    },
  ),
  defineRoute(
    {
      method: "delete",
      path: "/api/v1/admin/companies/{id}",
      operationId: "deleteCompany",
      guard: guards.admin,
      tags,
      summary: "Delete a company that supplies no one (its employees lose access)",
      description: "A company that supplies others is kept (409).",
      request: { params: idParams },
      responses: { 204: { description: "Deleted" }, 404: errors[404], 409: errors[409] },
    },
    async (c) => {
      await deleteCompany(c.var.ctx, c.req.valid("param").id);
      return c.body(null, 204);
    },
  ),
];

const employee = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/companies",
      operationId: "listOwnCompanies",
      guard: guards.employee,
      tags,
      summary: "The employee's own company (a list of one, or none for another country)",
      description: "`country` matches exactly.",
      request: { query: pageQuerySchema.extend({ country: companyFilterSchema.shape.country }) },
      responses: { 200: jsonResponse(pageSchema(companySchema), "Companies") },
    },
    async (c) => {
      const { limit, cursor, country } = c.req.valid("query");
      const p = c.var.ctx.principal;
      const ids = p.kind === "user" && p.companyId !== null ? [p.companyId] : [];
      return c.json(await page(c.var.ctx, { ids, country }, limit, cursor), 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/companies/{id}",
      operationId: "getOwnCompany",
      guard: guards.employee,
      tags,
      summary: "The employee's company (debt is read-only here)",
      description: "Another company's id is a 404.",
      request: { params: idParams },
      responses: { 200: jsonResponse(companySchema, "The company"), 404: errors[404] },
    },
    async (c) => {
      const id = ownCompany(c.var.ctx.principal, c.req.valid("param").id);
      return c.json(serializeCompany(await getCompany(c.var.ctx.db, id)), 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/companies/{id}/products",
      operationId: "listOwnCompanyProducts",
      guard: guards.employee,
      tags,
      summary: "The products the employee's company carries",
      description: "Another company's id is a 404.",
      request: { params: idParams, query: pageQuerySchema },
      responses: {
        200: jsonResponse(pageSchema(productListSchema.element), "A page of products"),
        404: errors[404],
      },
    },
    async (c) => {
      const id = ownCompany(c.var.ctx.principal, c.req.valid("param").id);
      const { limit, cursor } = c.req.valid("query");
      const after = decodeCursor(cursor);
      const { products } = serializeCompany(await getCompany(c.var.ctx.db, id));
      const rows = products.filter((p) => p.id > after).slice(0, limit + 1);
      return c.json(
        toPage(rows, limit, (p) => p),
        200,
      );
    },
  ),
  // POST is the documented way: a GET that sends mail can be triggered by a link prefetcher.
  // The GET stays for the original contract, marked deprecated.
  ...(["post", "get"] as const).map((method) =>
    defineRoute(
      {
        method,
        path: "/api/v1/companies/{id}/get_qr",
        operationId: method === "post" ? "mailCompanyQr" : "mailCompanyQrByGet",
        guard: guards.employee,
        tags,
        deprecated: method === "get",
        summary:
          method === "post"
            ? "Queue an e-mail to the employee with the company's contacts as a QR code"
            : "The same by GET (deprecated: use POST; a prefetched link could send mail)",
        description: "The PNG encodes the company's name, e-mail and full address.",
        request: { params: idParams },
        responses: {
          202: jsonResponse(z.object({ status: z.literal("queued") }), "Queued"),
          404: errors[404],
        },
      },
      async (c) => {
        const { principal, db, queues } = c.var.ctx;
        const id = ownCompany(principal, c.req.valid("param").id);
        await getCompany(db, id);
        if (principal.kind !== "user") throw notFound(`There is no company ${id}.`);
        await enqueueMail(queues.mail, companyQrMail, principal.email, { companyId: id });
        return c.json({ status: "queued" as const }, 202);
      },
    ),
  ),
];

export const networkRoutes = [...admin, ...employee];
