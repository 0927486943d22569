import { z } from "@hono/zod-openapi";
import { DomainError } from "../../lib/errors";
import { decodeCursor, toPage } from "../../lib/pagination";
import {
  buildWeeklyWorkbook,
  createModel,
  listModels,
  listRobotOrders,
  listRobots,
  XLSX_FILENAME,
  XLSX_TYPE,
} from "../../modules/robots";
import { guards } from "../../platform/http/guards";
import { Csrf, Layout, NextPage, TableHead, when } from "../layout";
import { formOf, listPageQuery, page, pageContext, redirectWith } from "../page";

const weekQuery = z.object({ end: z.iso.date().optional() });

const overview = page(
  {
    method: "get",
    path: "/admin/robots",
    name: "robots",
    guard: guards.admin,
    request: { query: listPageQuery },
  },
  async (c) => {
    const q = c.req.valid("query");
    const { db } = c.var.ctx;
    const [models, robotRows, waiting] = await Promise.all([
      listModels(db, 0, 1000),
      listRobots(db, decodeCursor(q.cursor), 25),
      listRobotOrders(db, "waiting", 0, 100),
    ]);
    const recent = toPage(robotRows, 25, (r) => r);
    const ctx = pageContext(c);
    const today = c.var.ctx.clock().toISOString().slice(0, 10);
    return c.html(
      <Layout title="Robots" page={ctx} current="/admin/robots" notice={q.notice}>
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
          <form method="post" action="/admin/robots/models" class="inline">
            <Csrf token={ctx.csrfToken} />
            <label>
              New model code (2 letters or digits)
              <input name="code" pattern="[A-Za-z0-9]{2}" maxlength={2} required />
            </label>
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
      </Layout>,
    );
  },
);

const addModel = page(
  { method: "post", path: "/admin/robots/models", name: "addRobotModel", guard: guards.admin },
  async (c) => {
    const code = (await formOf(c)).text("code");
    if (!/^[A-Za-z0-9]{2}$/.test(code))
      return redirectWith(c, "/admin/robots", "A model code is 2 letters or digits.");
    try {
      await createModel(c.var.ctx, code);
    } catch (error) {
      if (error instanceof DomainError) return redirectWith(c, "/admin/robots", error.message);
      throw error;
    }
    return redirectWith(c, "/admin/robots", `Model ${code} added.`);
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
    const end = c.req.valid("query").end ?? ctx.clock().toISOString().slice(0, 10);
    const body = await buildWeeklyWorkbook(ctx.db, end);
    return c.body(body.slice().buffer, 200, {
      "content-type": XLSX_TYPE,
      "content-disposition": `attachment; filename=${XLSX_FILENAME}`,
    });
  },
);

export const robotPages = [overview, addModel, workbook];
