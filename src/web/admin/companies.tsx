import { z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../lib/pagination";
import { listProducts } from "../../modules/catalog";
import {
  CLEAR_NOW_MAX,
  clearDebt,
  clearDebtJob,
  LEVEL_NAMES,
  listCompanies,
} from "../../modules/network";
import { guards } from "../../platform/http/guards";
import { enqueueBulkJob } from "../../platform/jobs/runner";
import { ConfirmPage } from "../confirm";
import { Csrf, Layout, money, NextPage, TableHead } from "../layout";
import { formOf, listPageQuery, page, pageContext, redirectWith } from "../page";

const filterQuery = listPageQuery.extend({
  // Case-insensitive prefixes here (the admin's list filter); the API's filters match exactly.
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
      text_match: "prefix" as const,
    };
    const { db } = c.var.ctx;
    const [{ items, hasMore }, products] = await Promise.all([
      listCompanies(db, filter, decodeCursor(q.cursor), PAGE),
      listProducts(db, 0, 1000),
    ]);
    const last = items.at(-1);
    const ctx = pageContext(c);
    const filtered = Boolean(
      q.country || q.city || q.level || q.product_id || q.debt_above_average,
    );
    return c.html(
      <Layout title="Companies" page={ctx} current="/admin/companies">
        <form method="get" action="/admin/companies" class="inline" aria-label="Filter companies">
          <label>
            Country starts with
            <input name="country" value={q.country ?? ""} maxlength={100} />
          </label>
          <label>
            City starts with
            <input name="city" value={q.city ?? ""} maxlength={100} />
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
            <select name="product_id" class="narrow">
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
          {filtered && <a href="/admin/companies">Clear filters</a>}
        </form>
        {items.length === 0 ? (
          <p class="empty">
            {filtered ? "No company matches these filters." : "No companies yet."}
          </p>
        ) : (
          <form method="post" action="/admin/companies/clear-debt">
            <Csrf token={ctx.csrfToken} />
            <input type="hidden" name="back" value={new URL(c.req.url).search} />
            <div class="table-wrap">
              <table>
                <caption class="muted">
                  Select companies and clear their debt: up to {CLEAR_NOW_MAX} at once, more as a
                  background job.
                </caption>
                <TableHead
                  columns={[
                    "Select",
                    "Company",
                    "Level",
                    "Country, city",
                    "Supplier",
                    { num: "Debt" },
                  ]}
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
                      <td class="wrap">
                        <a href={`/admin/companies/${co.id}`}>{co.name}</a>
                      </td>
                      <td>{LEVEL_NAMES[co.level]}</td>
                      <td class="wrap">
                        {co.country}, {co.city}
                      </td>
                      <td class="wrap">
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
            </div>
            <p>
              <button type="submit">Clear debt of the selected companies…</button>
            </p>
          </form>
        )}
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
    const back = `/admin/companies${query.startsWith("?") ? query : ""}`;
    if (ids.length === 0) {
      return redirectWith(c, back, { kind: "error", text: "Select at least one company." });
    }
    if (form.text("confirm") !== "yes") {
      const { items } = await listCompanies(c.var.ctx.db, { ids }, 0, ids.length);
      const total = items.reduce((sum, co) => sum + co.debtMinor, 0);
      return c.html(
        <ConfirmPage
          page={pageContext(c)}
          current="/admin/companies"
          title={`Clear the debt of ${items.length} ${items.length === 1 ? "company" : "companies"}?`}
          action="/admin/companies/clear-debt"
          fields={{ ids: items.map((co) => String(co.id)), back: query }}
          confirmLabel={`Clear ${money(total)} of debt`}
          cancelHref={back}
        >
          <p>
            Their debt to their suppliers becomes 0.00; this cannot be undone. Total:{" "}
            <strong>{money(total)}</strong>.
          </p>
          <ul class="columns">
            {items.map((co) => (
              <li>
                {co.name}: {money(co.debtMinor)}
              </li>
            ))}
          </ul>
        </ConfirmPage>,
      );
    }
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

export const companyPages = [list, clear];
