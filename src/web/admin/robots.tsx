import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { decodeCursor, toPage } from "../../lib/pagination";
import {
  buildWeeklyWorkbook,
  checkWeekEnd,
  createModel,
  createModelSchema,
  listModels,
  listRobotOrders,
  listRobots,
  weeklyFilename,
  XLSX_TYPE,
} from "../../modules/robots";
import { guards } from "../../platform/http/guards";
import { Csrf, FormProblem, Input, Layout, NextPage, TableHead, when } from "../layout";
import {
  emptyForm,
  type FormState,
  formOf,
  listPageQuery,
  page,
  pageContext,
  redirectWith,
  submitForm,
} from "../page";

const weekQuery = z.object({ end: z.iso.date().optional() });

const overview = page(
  {
    method: "get",
    path: "/admin/robots",
    name: "robots",
    guard: guards.admin,
    request: { query: listPageQuery },
  },
  async (c) => c.html(await renderRobots(c, c.req.valid("query").cursor, emptyForm)),
);

async function renderRobots(c: Context<AppEnv>, cursor: string | undefined, form: FormState) {
  const { db } = c.var.ctx;
  const [models, robotRows, waiting] = await Promise.all([
    listModels(db, 0, 1000),
    listRobots(db, decodeCursor(cursor), 25),
    listRobotOrders(db, "waiting", 0, 100),
  ]);
  const recent = toPage(robotRows, 25, (r) => r);
  const ctx = pageContext(c);
  const today = c.var.ctx.clock().toISOString().slice(0, 10);
  return (
    <Layout title="Robots" page={ctx} current="/admin/robots">
      <section aria-labelledby="weekly">
        <h2 id="weekly">Weekly production workbook</h2>
        <form method="get" action="/admin/robots/weekly.xlsx" class="inline">
          <label>
            Week ending (UTC)
            <input type="date" name="end" value={today} max={today} required />
          </label>
          <button type="submit">Download .xlsx</button>
        </form>
      </section>
      <section aria-labelledby="models">
        <h2 id="models">Models</h2>
        <p>{models.map((m) => m.code).join(", ") || "None yet."}</p>
        <form method="post" action="/admin/robots/models" class="inline" aria-label="New model">
          <FormProblem errors={form.errors} />
          <Csrf token={ctx.csrfToken} />
          <Input
            label="New model code (2 letters or digits)"
            name="code"
            value={String(form.values.code ?? "")}
            error={form.errors.code}
            maxlength={2}
            required
          />
          <button type="submit">Add model</button>
        </form>
      </section>
      <section aria-labelledby="waitlist">
        <h2 id="waitlist">Waiting customers</h2>
        {waiting.length === 0 ? (
          <p class="empty">No one is waiting.</p>
        ) : (
          <table>
            <TableHead columns={["Serial", "Customer", "Since"]} />
            <tbody>
              {waiting.slice(0, 100).map((o) => (
                <tr>
                  <td>{o.serial}</td>
                  <td>{o.email}</td>
                  <td>{when(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="recent">
        <h2 id="recent">Latest recorded</h2>
        <table>
          <TableHead columns={["Serial", "Produced", "State"]} />
          <tbody>
            {recent.items.map((r) => (
              <tr>
                <td>{r.serial}</td>
                <td>{when(r.createdAt)}</td>
                <td>{r.status === "in_stock" ? "in stock" : "reserved"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <NextPage url={c.req.url} cursor={recent.next_cursor} />
      </section>
    </Layout>
  );
}

const addModel = page(
  { method: "post", path: "/admin/robots/models", name: "addRobotModel", guard: guards.admin },
  async (c) => {
    const values = { code: (await formOf(c)).text("code") };
    return submitForm(c, {
      values,
      parsed: createModelSchema.safeParse(values),
      render: (state) => renderRobots(c, undefined, state),
      save: async ({ code }) => {
        await createModel(c.var.ctx, code);
        return redirectWith(c, "/admin/robots", `Model ${code} added.`);
      },
    });
  },
);

const workbook = page(
  {
    method: "get",
    path: "/admin/robots/weekly.xlsx",
    name: "weeklyWorkbook",
    guard: guards.admin,
    request: { query: weekQuery },
  },
  async (c) => {
    const ctx = c.var.ctx;
    const now = ctx.clock();
    const end = checkWeekEnd(c.req.valid("query").end ?? now.toISOString().slice(0, 10), now);
    const body = await buildWeeklyWorkbook(ctx.db, end);
    return c.body(body.slice().buffer, 200, {
      "content-type": XLSX_TYPE,
      "content-disposition": `attachment; filename=${weeklyFilename(end)}`,
    });
  },
);

export const robotPages = [overview, addModel, workbook];
