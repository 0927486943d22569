import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { authenticate } from "../../lib/auth";
import { ApiError } from "../../lib/errors";
import {
  bearer,
  createRouter,
  errors,
  idParamSchema,
  jsonBody,
  jsonResponse,
} from "../../lib/openapi";
import { decodeCursor, encodeCursor, pageQuerySchema, pageSchema } from "../../lib/pagination";
import { enqueueBulkJob } from "../../platform/jobs/runner";
import { enqueueMail } from "../../platform/mail/producer";
import { findUser } from "../auth/service";
import {
  clearDebtSchema,
  companyFilterSchema,
  companySchema,
  createCompanySchema,
  productListSchema,
  updateCompanySchema,
} from "./dto";
import { clearDebtJob } from "./jobs";
import {
  clearDebt,
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  updateCompany,
} from "./service";

// Up to this many ids are cleared in the request; more go through the jobs queue (SPEC §7).
const CLEAR_NOW_MAX = 20;
const admin = { 401: errors[401], 403: errors[403] };

async function page(
  c: { var: AppEnv["Variables"] },
  filter: Parameters<typeof listCompanies>[1],
  limit: number,
  cursor?: string,
) {
  const { items, hasMore } = await listCompanies(c.var.db, filter, decodeCursor(cursor), limit);
  const last = items.at(-1);
  return { items, next_cursor: hasMore && last ? encodeCursor(last.id) : null };
}

export const adminCompanyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Network"],
      summary: "List companies, with filters",
      description: "`debt_above_average=true`: debt above the average debt of all companies.",
      security: bearer,
      request: { query: pageQuerySchema.extend(companyFilterSchema.shape) },
      responses: {
        200: jsonResponse(pageSchema(companySchema), "A page of companies"),
        400: errors[400],
        ...admin,
      },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      return c.json(await page(c, filter, limit, cursor), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["Network"],
      summary: "Create a company (its level comes from its supplier)",
      security: bearer,
      request: { body: jsonBody(createCompanySchema) },
      responses: { 201: jsonResponse(companySchema, "The company"), 400: errors[400], ...admin },
    }),
    async (c) => c.json(await createCompany(c.var.db, c.req.valid("json"), new Date()), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/clear-debt",
      tags: ["Network"],
      summary: "Set the debt of companies to 0",
      description: `Up to ${CLEAR_NOW_MAX} ids: done now (200). More: a bulk job (202, follow GET /api/v1/admin/jobs/{job_id}).`,
      security: bearer,
      request: { body: jsonBody(clearDebtSchema) },
      responses: {
        200: jsonResponse(z.object({ cleared: z.number().int() }), "Cleared"),
        202: jsonResponse(z.object({ job_id: z.number().int() }), "Queued"),
        400: errors[400],
        ...admin,
      },
    }),
    async (c) => {
      const { ids } = c.req.valid("json");
      if (ids.length <= CLEAR_NOW_MAX)
        return c.json({ cleared: await clearDebt(c.var.db, ids) }, 200);
      const jobId = await enqueueBulkJob(
        c.var.db,
        c.env.JOBS_QUEUE,
        clearDebtJob,
        { ids },
        new Date(),
      );
      return c.json({ job_id: jobId }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["Network"],
      summary: "One company",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        200: jsonResponse(companySchema, "The company"),
        400: errors[400],
        ...admin,
        404: errors[404],
      },
    }),
    async (c) => c.json(await getCompany(c.var.db, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["Network"],
      summary: "Change a company (a new supplier moves its whole subtree)",
      security: bearer,
      request: { params: idParamSchema, body: jsonBody(updateCompanySchema) },
      responses: {
        200: jsonResponse(companySchema, "The company"),
        400: errors[400],
        ...admin,
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) =>
      c.json(await updateCompany(c.var.db, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["Network"],
      summary: "Delete a company that supplies no one (its employees lose access)",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        204: { description: "Deleted" },
        400: errors[400],
        ...admin,
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      await deleteCompany(c.var.db, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

/** The employee API: a user's JWT with a company; another company is a 404, never a 403. */
const employee = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.var.principal;
  if (p.kind !== "user" || p.companyId === null) {
    throw new ApiError(
      "forbidden",
      "This endpoint is for employees: a user registered with a company_id.",
    );
  }
  await next();
});

function ownCompany(c: { var: AppEnv["Variables"] }, id: number): number {
  const p = c.var.principal;
  if (p.kind !== "user" || p.companyId !== id)
    throw new ApiError("not_found", `There is no company ${id}.`);
  return id;
}

const employeeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] };

export const companyRoutes = createRouter();
companyRoutes.use(authenticate, employee);
companyRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Network"],
      summary: "The employee's own company (a list of one, or none for another country)",
      security: bearer,
      request: { query: pageQuerySchema.extend({ country: companyFilterSchema.shape.country }) },
      responses: { 200: jsonResponse(pageSchema(companySchema), "Companies"), ...employeeErrors },
    }),
    async (c) => {
      const { limit, cursor, country } = c.req.valid("query");
      const p = c.var.principal;
      const ids = p.kind === "user" && p.companyId !== null ? [p.companyId] : [];
      return c.json(await page(c, { ids, country }, limit, cursor), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["Network"],
      summary: "The employee's company (debt is read-only here)",
      security: bearer,
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(companySchema, "The company"), ...employeeErrors },
    }),
    async (c) => c.json(await getCompany(c.var.db, ownCompany(c, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/products",
      tags: ["Network"],
      summary: "The products the employee's company carries",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        200: jsonResponse(z.object({ items: productListSchema }), "Products"),
        ...employeeErrors,
      },
    }),
    async (c) => {
      const company = await getCompany(c.var.db, ownCompany(c, c.req.valid("param").id));
      return c.json({ items: company.products }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/get_qr",
      tags: ["Network"],
      summary: "Queue an e-mail to the employee with the company's contacts as a QR code",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        202: jsonResponse(z.object({ status: z.literal("queued") }), "Queued"),
        ...employeeErrors,
      },
    }),
    async (c) => {
      const id = ownCompany(c, c.req.valid("param").id);
      await getCompany(c.var.db, id);
      const p = c.var.principal;
      const user = p.kind === "user" ? await findUser(c.var.db, p.userId) : undefined;
      if (!user) throw new ApiError("unauthorized", "The user of this token no longer exists.");
      await enqueueMail(c.env.MAIL_QUEUE, "company-qr", user.email, { companyId: id });
      return c.json({ status: "queued" as const }, 202);
    },
  );
