import { z } from "@hono/zod-openapi";
import { idParams } from "../../lib/ids";
import { decodeCursor, encodeCursor } from "../../lib/pagination";
import { employeesOf } from "../../modules/auth";
import { listProducts } from "../../modules/catalog";
import {
  CLEAR_NOW_MAX,
  clearDebt,
  clearDebtJob,
  customersOf,
  getCompany,
  LEVEL_NAMES,
  listCompanies,
} from "../../modules/network";
import { guards } from "../../platform/http/guards";
import { enqueueBulkJob } from "../../platform/jobs/runner";
import { Csrf, Layout, money, NextPage, TableHead } from "../layout";
import { formOf, listPageQuery, page, pageContext, redirectWith } from "../page";

const filterQuery = listPageQuery.extend({
  country: z.string().trim().max(100).optional(),
  city: z.string().trim().max(100).optional(),
  level: z.enum(["", "0", "1", "2", "3", "4"]).optional(),
  product_id: z
    .string()
    .regex(/^([1-9][0-9]{0,15})?$/)
    .optional(),
  debt_above_average: z.enum(["true"]).optional(),
});

const PAGE = 50;

const list = page(
  {
    method: "get",
    path: "/admin/companies",
    name: "companies",
    guard: guards.admin,
    request: { query: filterQuery },
  },
  async (c) => {
    const q = c.req.valid("query");
    const filter = {
      country: q.country || undefined,
      city: q.city || undefined,
      level: q.level ? Number(q.level) : undefined,
      product_id: q.product_id ? Number(q.product_id) : undefined,
      debt_above_average: q.debt_above_average === "true",
    };
    const { db } = c.var.ctx;
    const [{ items, hasMore }, products] = await Promise.all([
      listCompanies(db, filter, decodeCursor(q.cursor), PAGE),
      listProducts(db, 0, 1000),
    ]);
    const last = items.at(-1);
    const ctx = pageContext(c);
    return c.html(
      <Layout title="Companies" page={ctx} current="/admin/companies" notice={q.notice}>
        <form method="get" action="/admin/companies" class="inline" aria-label="Filter companies">
          <label>
            Country
            <input name="country" value={q.country ?? ""} />
          </label>
          <label>
            City
            <input name="city" value={q.city ?? ""} />
          </label>
          <label>
            Level
            <select name="level">
              <option value="">any</option>
              {LEVEL_NAMES.map((name, level) => (
                <option value={String(level)} selected={q.level === String(level)}>
                  {level} · {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Product
            <select name="product_id">
              <option value="">any</option>
              {products.map((p) => (
                <option value={String(p.id)} selected={q.product_id === String(p.id)}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="debt_above_average"
              value="true"
              checked={filter.debt_above_average}
            />
            Debt above average
          </label>
          <button type="submit">Filter</button>
        </form>
        <form method="post" action="/admin/companies/clear-debt">
          <Csrf token={ctx.csrfToken} />
          <input type="hidden" name="back" value={new URL(c.req.url).search} />
          <table>
            <caption class="muted">
              Select companies and clear their debt: up to {CLEAR_NOW_MAX} at once, more as a
              background job.
            </caption>
            <TableHead
              columns={["Select", "Company", "Level", "Country, city", "Supplier", { num: "Debt" }]}
            />
            <tbody>
              {items.map((co) => (
                <tr data-company={String(co.id)}>
                  <td>
                    <input
                      type="checkbox"
                      name="ids"
                      value={String(co.id)}
                      aria-label={`Select ${co.name}`}
                    />
                  </td>
                  <td>
                    <a href={`/admin/companies/${co.id}`}>{co.name}</a>
                  </td>
                  <td>{LEVEL_NAMES[co.level]}</td>
                  <td>
                    {co.country}, {co.city}
                  </td>
                  <td>
                    {co.supplierId ? (
                      <a href={`/admin/companies/${co.supplierId}`}>{co.supplierName}</a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td class="num" data-debt={String(co.debtMinor)}>
                    {money(co.debtMinor)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="submit">Clear debt of the selected companies</button>
          </p>
        </form>
        <NextPage url={c.req.url} cursor={hasMore && last ? encodeCursor(last.id) : null} />
      </Layout>,
    );
  },
);

const clear = page(
  { method: "post", path: "/admin/companies/clear-debt", name: "clearDebt", guard: guards.admin },
  async (c) => {
    const form = await formOf(c);
    const ids = [
      ...new Set(
        form
          .all("ids")
          .filter((v) => /^[1-9][0-9]{0,15}$/.test(v))
          .map(Number),
      ),
    ];
    // `back` is the list's query string: anything else (a path, dot segments) is dropped.
    const query = form.text("back");
    const back = `/admin/companies${query.startsWith("?") ? query.replace(/[?&]notice=[^&]*/, "") : ""}`;
    if (ids.length === 0) return redirectWith(c, back, "Select at least one company.");
    if (ids.length <= CLEAR_NOW_MAX) {
      const cleared = await clearDebt(c.var.ctx, ids);
      return redirectWith(
        c,
        back,
        `Cleared the debt of ${cleared} compan${cleared === 1 ? "y" : "ies"}.`,
      );
    }
    const jobId = await enqueueBulkJob(c.var.ctx, clearDebtJob, { ids });
    return c.redirect(`/admin/jobs/${jobId}`, 303);
  },
);

const detail = page(
  {
    method: "get",
    path: "/admin/companies/{id}",
    name: "company",
    guard: guards.admin,
    request: { params: idParams },
  },
  async (c) => {
    const id = c.req.valid("param").id;
    const { db } = c.var.ctx;
    const [company, customers, employees] = await Promise.all([
      getCompany(db, id),
      customersOf(db, id),
      employeesOf(db, id),
    ]);
    return c.html(
      <Layout title={company.name} page={pageContext(c)} current="/admin/companies">
        <div class="cards">
          <div class="card">
            Level<span class="figure">{LEVEL_NAMES[company.level]}</span>
          </div>
          <div class="card">
            Debt to its supplier<span class="figure">{money(company.debtMinor)}</span>
          </div>
          <div class="card">
            Supplier
            <span class="figure">
              {company.supplierId ? (
                <a href={`/admin/companies/${company.supplierId}`}>{company.supplierName}</a>
              ) : (
                "none (a factory)"
              )}
            </span>
          </div>
        </div>
        <p>
          {company.email} · {company.country}, {company.city}, {company.street}{" "}
          {company.houseNumber}
        </p>
        <h2>Products</h2>
        {company.products.length === 0 ? (
          <p class="empty">None.</p>
        ) : (
          <ul>
            {company.products.map((p) => (
              <li>
                {p.name} ({p.model}), released {p.releaseDate}
              </li>
            ))}
          </ul>
        )}
        <h2>Supplies</h2>
        {customers.length === 0 ? (
          <p class="empty">No one.</p>
        ) : (
          <ul>
            {customers.map((cu) => (
              <li>
                <a href={`/admin/companies/${cu.id}`}>{cu.name}</a> ({LEVEL_NAMES[cu.level]})
              </li>
            ))}
          </ul>
        )}
        <h2>Employees</h2>
        {employees.length === 0 ? (
          <p class="empty">None.</p>
        ) : (
          <ul>
            {employees.map((e) => (
              <li>
                {e.username} · {e.email}
              </li>
            ))}
          </ul>
        )}
      </Layout>,
    );
  },
);

export const companyPages = [list, clear, detail];
