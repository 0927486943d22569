import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { addDays } from "../../lib/business-day";
import { listRates, putRates, putRatesSchema } from "../../modules/sales";
import { guards } from "../../platform/http/guards";
import { Csrf, Layout, TableHead } from "../layout";
import { page, pageContext, redirectWith } from "../page";

// Exchange rates by date (docs/API.md#exchange-rates): the recent ones, and a CSV upload of
// `date,base,currency,rate` rows. A date's rates are one set, so a date with a bad row is left
// as it was and the row is named; every other date is stored.

const SHOWN_DAYS = 31;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type RowError = { row: number; message: string };

/** The CSV's rate sets by date, and the rows that are not a rate. Row 1 is the header. */
export function parseRatesCsv(text: string) {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const errors: RowError[] = [];
  // A date with a bad row keeps what it had: its set would be stored without that rate.
  const broken = new Set<string>();
  const sets = new Map<string, { base: string; rates: Record<string, number>; rows: number[] }>();
  const header = (lines[0] ?? "").toLowerCase().replaceAll(" ", "");
  if (header !== "date,base,currency,rate")
    errors.push({ row: 1, message: "the header must be date,base,currency,rate" });
  for (const [i, line] of lines.entries()) {
    if (i === 0 || line === "") continue;
    const row = i + 1;
    const [date = "", base = "", currency = "", rate = "", ...rest] = line
      .split(",")
      .map((v) => v.trim());
    if (rest.length > 0 || !DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      errors.push({ row, message: `“${line}” is not date,base,currency,rate` });
      if (DATE.test(date)) broken.add(date);
      continue;
    }
    const set = sets.get(date) ?? { base, rates: {}, rows: [] };
    if (set.base !== base) {
      errors.push({ row, message: `${date} has base ${set.base} on an earlier row, not ${base}` });
      broken.add(date);
      continue;
    }
    set.rates[currency] = Number(rate === "" ? Number.NaN : rate);
    set.rows.push(row);
    sets.set(date, set);
  }
  for (const date of broken) sets.delete(date);
  return { sets, errors };
}

async function renderRates(c: Context<AppEnv>, errors: RowError[] = []) {
  const ctx = pageContext(c);
  const today = c.var.ctx.clock().toISOString().slice(0, 10);
  const { items } = await listRates(c.var.ctx, {
    from: addDays(today, -SHOWN_DAYS),
    to: today,
    after: "",
    limit: SHOWN_DAYS + 1,
  });
  return (
    <Layout title="Exchange rates" page={ctx} current="/admin/fx-rates">
      {errors.length > 0 && (
        <div class="notice error" role="alert" data-csv-errors>
          <p>These rows were not stored (their dates keep the rates they had):</p>
          <ul>
            {errors.map((e) => (
              <li data-row={e.row}>
                row {e.row}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <section class="panel" aria-labelledby="upload">
        <h2 id="upload">Upload rates</h2>
        <p class="muted">
          A CSV with the header <code>date,base,currency,rate</code>: units of <code>currency</code>{" "}
          per one <code>base</code>. Each date's rates replace what it had; a date without a rate of
          its own uses the latest earlier one, and the reports say so.
        </p>
        <form method="post" action="/admin/fx-rates" enctype="multipart/form-data">
          <Csrf token={ctx.csrfToken} />
          <label>
            CSV file
            <input type="file" name="file" accept=".csv,text/csv" />
          </label>
          <label>
            or paste it
            <textarea
              name="csv"
              rows={5}
              placeholder={"date,base,currency,rate\n2026-12-01,EUR,RUB,98.2"}
            />
          </label>
          <button type="submit">Upload</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="recent">
        <h2 id="recent">The last {SHOWN_DAYS} days</h2>
        {items.length === 0 ? (
          <p class="empty">No rates in these days: reports list foreign currencies apart.</p>
        ) : (
          <div class="table-wrap">
            <table data-rates>
              <TableHead columns={["Date", "Base", "Rates (units per 1 base)"]} />
              <tbody>
                {[...items].reverse().map((set) => (
                  <tr data-date={set.date}>
                    <td>{set.date}</td>
                    <td>{set.base}</td>
                    <td class="wrap">
                      {Object.entries(set.rates)
                        .filter(([code]) => code !== set.base)
                        .map(([code, rate]) => `${code} ${rate}`)
                        .join(" · ")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

export const fxRatePages = [
  page(
    { method: "get", path: "/admin/fx-rates", name: "fxRates", guard: guards.admin },
    async (c) => c.html(await renderRates(c)),
  ),
  page(
    { method: "post", path: "/admin/fx-rates", name: "uploadFxRates", guard: guards.admin },
    async (c) => {
      const body = await c.req.parseBody();
      const file = body.file;
      const text =
        file instanceof File && file.size > 0
          ? await file.text()
          : typeof body.csv === "string"
            ? body.csv
            : "";
      const { sets, errors } = parseRatesCsv(text);
      let stored = 0;
      for (const [date, set] of sets) {
        const parsed = putRatesSchema.safeParse({ base: set.base, rates: set.rates });
        if (!parsed.success) {
          // Each issue names a rate by its currency: point at the row it came from.
          for (const issue of parsed.error.issues) {
            const code = String(issue.path[1] ?? "");
            const at = Object.keys(set.rates).indexOf(code);
            const row = at >= 0 ? (set.rows[at] ?? 0) : (set.rows[0] ?? 0);
            errors.push({ row, message: `${date} ${issue.path.join(".")}: ${issue.message}` });
          }
          continue;
        }
        await putRates(c.var.ctx, { date, ...parsed.data });
        stored++;
      }
      if (errors.length > 0) {
        errors.sort((a, b) => a.row - b.row);
        return c.html(await renderRates(c, errors), 400);
      }
      return redirectWith(c, "/admin/fx-rates", `Rates of ${stored} date(s) stored.`);
    },
  ),
];
