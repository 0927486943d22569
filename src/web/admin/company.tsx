import { idParams } from "../../lib/ids";
import { employeesOf } from "../../modules/auth";
import { customersOf, getCompany, LEVEL_NAMES } from "../../modules/network";
import { guards } from "../../platform/http/guards";
import { Layout, money } from "../layout";
import { page, pageContext } from "../page";

/** One company: its level, debt, supplier, products, customers and employees. */
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

export const companyPage = detail;
