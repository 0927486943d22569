import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { DomainError } from "../../lib/errors";
import {
  archiveFileResponse,
  listMonths,
  monthSchema,
  requestArchive,
  requestReopen,
} from "../../modules/sales";
import { guards } from "../../platform/http/guards";
import { ConfirmPage } from "../confirm";
import { Csrf, Layout, money, TableHead, when } from "../layout";
import { formOf, page, pageContext, redirectWith } from "../page";

// The archive as the operator sees it (docs/ARCHIVE.md): every month with sales, its state, its
// Parquet files to download, and the two actions, each a job followed on /admin/jobs/{id}.
const monthParam = z.object({ month: monthSchema });
const STATES = { open: "open", archiving: "being archived", archived: "archived" } as const;

const bytes = (n: number) =>
  n < 1_000_000 ? `${(n / 1000).toFixed(1)} kB` : `${(n / 1_000_000).toFixed(1)} MB`;

type Month = Awaited<ReturnType<typeof listMonths>>[number];

function MonthAction({ m, csrf, today }: { m: Month; csrf: string; today: string }) {
  // A month that has not ended yet cannot be archived; one archived can be reopened.
  const ended = m.month < today.slice(0, 7);
  if (m.state === "archived")
    return (
      <form method="post" action={`/admin/archive/${m.month}/reopen`} class="inline">
        <Csrf token={csrf} />
        <button type="submit" class="nowrap">
          Reopen…
        </button>
      </form>
    );
  if (!ended) return <span class="muted">not ended yet</span>;
  return (
    <form method="post" action={`/admin/archive/${m.month}/run`} class="inline">
      <Csrf token={csrf} />
      <button type="submit" class="nowrap">
        {m.state === "archiving" ? "Resume" : "Archive now"}
      </button>
    </form>
  );
}

function Files({ m }: { m: Month }) {
  if (m.files.length === 0) return <span class="muted">—</span>;
  return (
    <details>
      <summary>
        {m.files.length} {m.files.length === 1 ? "file" : "files"}
      </summary>
      <ul class="files">
        {m.files.map((f) => (
          <li>
            <a href={`/admin/archive/files/${encodeURIComponent(f.key)}`} download>
              {f.key}
            </a>{" "}
            <span class="muted">
              {f.rows.toLocaleString("en-US")} rows · {bytes(f.bytes)} · sha256{" "}
              <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

async function renderArchive(c: Context<AppEnv>) {
  const ctx = c.var.ctx;
  const months = await listMonths(ctx);
  const page = pageContext(c);
  const today = ctx.clock().toISOString().slice(0, 10);
  const archived = months.filter((m) => m.state === "archived");
  const currency = ctx.config.CURRENCY;
  return (
    <Layout title="Archive" page={page} current="/admin/archive">
      <p>
        Closed months move their receipts and refunds to R2 as Parquet; the reports keep their
        figures. {archived.length} of {months.length} months with sales are archived (
        {bytes(archived.reduce((n, m) => n + m.bytes, 0))} in R2). The daily job archives a month{" "}
        {ctx.config.ARCHIVE_AFTER_DAYS} days after it ends; D1's size is on the{" "}
        <a href="/admin">admin home</a>.
      </p>
      <div class="table-wrap">
        <table aria-label="Months">
          <TableHead
            columns={[
              "Month",
              "State",
              { num: "Receipts" },
              { num: "Refunds" },
              { num: `Net (${currency})` },
              "Files",
              "",
            ]}
          />
          <tbody>
            {months.map((m) => (
              <tr data-month={m.month} data-state={m.state}>
                <th scope="row" class="nowrap">
                  {m.month}
                </th>
                <td>
                  {STATES[m.state]}
                  {m.finished_at && m.state === "archived" && (
                    <div class="muted">{when(new Date(m.finished_at))}</div>
                  )}
                </td>
                <td class="num">{m.sales.toLocaleString("en-US")}</td>
                <td class="num">{m.refunds === null ? "—" : m.refunds.toLocaleString("en-US")}</td>
                <td class="num">{money(m.net)}</td>
                <td>
                  <Files m={m} />
                </td>
                <td>
                  <MonthAction m={m} csrf={page.csrfToken} today={today} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {months.length === 0 && <p>No sales yet.</p>}
    </Layout>
  );
}

/** A refusal (the month has not ended, is not archived) back on the archive page, in words. */
async function orRefusal(c: Context<AppEnv>, start: () => Promise<number>) {
  try {
    return c.redirect(`/admin/jobs/${await start()}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return redirectWith(c, "/admin/archive", { kind: "error", text: error.message });
  }
}

export const archivePages = [
  page({ method: "get", path: "/admin/archive", name: "archive", guard: guards.admin }, async (c) =>
    c.html(await renderArchive(c)),
  ),
  page(
    {
      method: "get",
      path: "/admin/archive/files/{key}",
      name: "archiveFile",
      guard: guards.admin,
      request: { params: z.object({ key: z.string().max(200) }) },
    },
    (c) => archiveFileResponse(c.var.ctx, c.req.valid("param").key),
  ),
  page(
    {
      method: "post",
      path: "/admin/archive/{month}/run",
      name: "runArchive",
      guard: guards.admin,
      request: { params: monthParam },
    },
    (c) => orRefusal(c, () => requestArchive(c.var.ctx, c.req.valid("param").month)),
  ),
  page(
    {
      method: "post",
      path: "/admin/archive/{month}/reopen",
      name: "reopenArchive",
      guard: guards.admin,
      request: { params: monthParam },
    },
    async (c) => {
      const { month } = c.req.valid("param");
      if ((await formOf(c)).text("confirm") !== "yes")
        return c.html(
          <ConfirmPage
            page={pageContext(c)}
            current="/admin/archive"
            title={`Reopen ${month}?`}
            action={`/admin/archive/${month}/reopen`}
            fields={{}}
            confirmLabel="Bring it back to D1"
            cancelHref="/admin/archive"
          >
            <p>
              Its receipts and refunds go back into D1 and its files leave R2; the month then takes
              transactions again. The reports do not change. The daily job archives it again later,
              to new files.
            </p>
          </ConfirmPage>,
        );
      return orRefusal(c, () => requestReopen(c.var.ctx, month));
    },
  ),
];
