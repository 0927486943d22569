import { type Capacity, capacity, capacityJob, WARNING_PERCENT } from "../../modules/sales";
import { guards } from "../../platform/http/guards";
import { runScheduledJobNow } from "../../platform/jobs/runner";
import { Csrf, Layout, TableHead, when } from "../layout";
import { page, pageContext, redirectWith } from "../page";

// Decimal units, as D1 states its limit (10 GB).
const gb = (n: number) =>
  n < 1e9
    ? `${(n / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`
    : `${(n / 1e9).toLocaleString("en-US", { maximumFractionDigits: 2 })} GB`;
const count = (n: number) => n.toLocaleString("en-US");

/** D1's size against its limit, and when it fills (docs/ARCHIVE.md#d1s-capacity). */
function CapacityPanel({ d, csrf }: { d: Capacity; csrf: string }) {
  const tables = Object.entries(d.rows).sort(([, a], [, b]) => b - a);
  return (
    <section aria-labelledby="capacity" class="panel" data-capacity>
      <h2 id="capacity">Database (D1)</h2>
      {d.warning && (
        <p class="notice warn" role="alert" data-capacity-warning>
          D1 is {d.percent} % full, above {WARNING_PERCENT} %. Archive closed months on the{" "}
          <a href="/admin/archive">archive page</a> before writes are refused.
        </p>
      )}
      <div class="cards">
        <div class="card">
          Size
          <span class="figure" data-size={d.sizeBytes}>
            {gb(d.sizeBytes)}
          </span>
          <label>
            <span class="muted">
              {d.percent} % of {gb(d.limitBytes)}
            </span>
            <progress max={100} value={Math.min(100, d.percent)}>
              {d.percent} %
            </progress>
          </label>
        </div>
        <div class="card">
          Bytes per sale
          <span class="figure" data-bytes-per-sale>
            {d.bytesPerSale === null ? "—" : count(d.bytesPerSale)}
          </span>
          <span class="muted">all tables, over the sales D1 holds</span>
        </div>
        <div class="card">
          Sales a day
          <span class="figure">{count(d.salesPerDay)}</span>
          <span class="muted">over the last 7 days</span>
        </div>
        <div class="card">
          Full on
          <span class="figure" data-full-on>
            {d.fullOn ?? "—"}
          </span>
          <span class="muted">
            {d.fullOn ? "at the recent rate, if nothing is archived" : "no sales lately"}
          </span>
        </div>
      </div>
      <details>
        <summary>
          Rows per table ({tables.length} tables, counted {when(d.countedAt)})
        </summary>
        <div class="table-wrap">
          <table aria-label="Rows per table">
            <TableHead columns={["Table", { num: "Rows" }]} />
            <tbody>
              {tables.map(([name, rows]) => (
                <tr>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td class="num">{count(rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <form method="post" action="/admin/capacity/count" class="inline">
        <Csrf token={csrf} />
        <button type="submit">Count now</button>
        <span class="muted">The daily job counts at 02:20 UTC; a count reads every row.</span>
      </form>
    </section>
  );
}

const LINKS = [
  ["/admin/companies", "Companies", "filters, debts, the clear-debt action"],
  ["/admin/orders", "Orders", "by seller, by number, with their items"],
  ["/admin/robots", "Robots", "models, production, the waiting list, the weekly workbook"],
  ["/admin/outbox", "Outbox", "every e-mail with its attachments"],
  ["/admin/api-keys", "API keys", "machines' credentials, shown once"],
  ["/admin/users", "Users", "web roles"],
  ["/admin/catalog", "Catalog", "products and shops"],
  ["/admin/terminals", "Terminals", "per shop, last seen, gaps"],
  ["/admin/archive", "Archive", "closed months in R2 as Parquet, their files"],
] as const;

export const adminHomePages = [
  page({ method: "get", path: "/admin", name: "admin", guard: guards.admin }, async (c) => {
    const ctx = pageContext(c);
    const d = await capacity(c.var.ctx);
    return c.html(
      <Layout title="Admin" page={ctx} current="/admin">
        <CapacityPanel d={d} csrf={ctx.csrfToken} />
        <ul>
          {LINKS.map(([href, label, what]) => (
            <li>
              <a href={href}>{label}</a>: {what}
            </li>
          ))}
        </ul>
      </Layout>,
    );
  }),
  page(
    { method: "post", path: "/admin/capacity/count", name: "countD1", guard: guards.admin },
    async (c) => {
      await runScheduledJobNow(capacityJob, c.var.ctx);
      return redirectWith(c, "/admin", "D1 counted again.");
    },
  ),
];
