import { exponentOf, formatAmount, toMajor } from "../lib/money";
import type { Shop } from "../modules/catalog";
import type { DashboardView, FiguresJson, TerminalOverview } from "../modules/sales";
import { netItems, netMinor } from "../modules/sales";
import { ago, gapsText } from "./admin/terminal-text";
import { type Bar, BarChart, SeriesChart } from "./charts";
import { type ResolvedRange, rangeSearch } from "./dashboard-range";
import { money, TableHead } from "./layout";

/** What the dashboard shows: the range, its figures, the chain's currency, one shop or all. */
export type Shown = {
  range: ResolvedRange;
  view: DashboardView;
  currency: string;
  shopId: number | null;
  /** Terminals that are behind, with their shop. */
  behind: (TerminalOverview & { shop: Shop | undefined })[];
  now: number;
};

/** "Complete through 14:05 — terminal T-3 last heard 2 h ago", per terminal behind. */
function Behind({ behind, now }: { behind: Shown["behind"]; now: number }) {
  if (behind.length === 0) return null;
  const local = (t: Shown["behind"][number]) =>
    new Date(t.lastSeenAt).toLocaleTimeString("en-GB", {
      timeZone: t.shop?.timeZone ?? "UTC",
      hour: "2-digit",
      minute: "2-digit",
    });
  return (
    <div class="notice warn" role="status" data-terminals-behind>
      Not complete yet:
      <ul>
        {behind.map((t) => (
          <li data-behind-terminal={`${t.shopId}/${t.terminalId}`}>
            <a href={`/dashboard/shops/${t.shopId}`}>{t.shop?.name ?? `Shop ${t.shopId}`}</a>:
            complete through {local(t)} ({t.shop?.timeZone ?? "UTC"}) — terminal {t.terminalId} last
            heard {ago(now - t.lastSeenAt)}
            {t.gaps.length > 0 && `, missing seq ${gapsText(t.gaps)}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The change against the previous period, in words a reader takes in at a glance. */
function Change({
  now,
  before,
  lowerIsBetter,
}: {
  now: number;
  before: number;
  lowerIsBetter: boolean;
}) {
  if (before === 0) {
    return <span class="change">{now === 0 ? "no change" : "new"} vs previous period</span>;
  }
  const pct = ((now - before) / Math.abs(before)) * 100;
  const sign = pct > 0 ? "+" : pct < 0 ? "−" : "±";
  return (
    <span class={`change ${pct === 0 ? "" : pct > 0 !== lowerIsBetter ? "up" : "down"}`}>
      {sign}
      {Math.abs(pct).toFixed(1)} % vs previous period
    </span>
  );
}

const MONEY: readonly (keyof FiguresJson)[] = [
  "gross",
  "discounts",
  "refunds",
  "net",
  "tax",
  "collected",
  "average_sale",
];
const LOWER_IS_BETTER: readonly (keyof FiguresJson)[] = ["discounts", "refunds"];

function Card(props: {
  label: string;
  name: keyof FiguresJson;
  totals: FiguresJson;
  previous: FiguresJson;
  unit: string;
}) {
  const value = props.totals[props.name];
  const money = MONEY.includes(props.name);
  return (
    <div class="card">
      {props.label}
      <span class="figure" data-figure={props.name} data-value={String(value)}>
        {value === null
          ? "—"
          : money
            ? formatAmount(value, props.unit)
            : value.toLocaleString("en-US")}
        {money && value !== null && <small> {props.unit}</small>}
      </span>
      <Change
        now={value ?? 0}
        before={props.previous[props.name] ?? 0}
        lowerIsBetter={LOWER_IS_BETTER.includes(props.name)}
      />
    </div>
  );
}

const CARDS = [
  ["Gross", "gross"],
  ["Discounts", "discounts"],
  ["Refunds", "refunds"],
  ["Net", "net"],
  ["Tax", "tax"],
  ["Sales", "sales"],
  ["Average sale", "average_sale"],
  ["Items per sale", "items_per_sale"],
] as const;

const shopBars = (rows: DashboardView["topShops"], search: string, currency: string): Bar[] =>
  rows.map((r) => ({
    id: `shop-${r.id}`,
    label: r.shop.name || `Shop ${r.id}`,
    hint:
      r.shop.currency === currency
        ? r.shop.address
        : `${r.shop.address} · ${formatAmount(toMajor(r.nativeNet, exponentOf(r.shop.currency)), r.shop.currency)} ${r.shop.currency}`,
    href: `/dashboard/shops/${r.id}?${search}`,
    value: toMajor(netMinor(r.figures), exponentOf(currency)),
    shown: money(netMinor(r.figures), currency),
  }));

const periodTick = (period: string, interval: string) =>
  interval === "month" ? period : period.slice(5);

/** Which rates the chain's figures were converted at, and what no rate converted yet. */
function Rates({ report }: { report: DashboardView["report"] }) {
  const stale = Object.entries(report.fx).filter(([, use]) => use.stale_days > 0);
  const apart = Object.entries(report.unconverted);
  return (
    <>
      {apart.length > 0 && (
        <p class="notice warn" role="status" data-unconverted>
          Not in these figures, no rate yet:{" "}
          {apart.map(([code, f]) => `${formatAmount(f.net, code)} ${code} net`).join(", ")}. Add the
          rates on the admin's Rates page.
        </p>
      )}
      {stale.length > 0 && (
        <p class="muted" data-stale-rates>
          Converted to {report.currency} at earlier rates where a day had none:{" "}
          {stale
            .map(
              ([code, use]) => `${code} (up to ${use.stale_days} days old, last ${use.rate_date})`,
            )
            .join(", ")}
          .
        </p>
      )}
    </>
  );
}

/** The part of the dashboard that changes with the data: figures, charts, tables. */
export function Charts({ range, view, currency, shopId, behind, now }: Shown) {
  const { report } = view;
  const search = rangeSearch(range);
  const fmt = (v: number) => formatAmount(v, currency);
  return (
    <>
      <Behind behind={behind} now={now} />
      <Rates report={report} />
      {report.rebuilding.length > 0 && (
        <p class="notice warn" role="status">
          Rebuilding business days of shop {report.rebuilding.join(", ")}: their figures move to the
          new days while this runs.
        </p>
      )}
      <div class="cards">
        {CARDS.map(([label, name]) => (
          <Card
            label={label}
            name={name}
            totals={report.totals}
            previous={report.previous}
            unit={currency}
          />
        ))}
      </div>
      <p class="muted">
        Previous period: {report.previous.from} – {report.previous.to}. Includes every transaction
        acknowledged before <time datetime={report.as_of}>{report.as_of.slice(11, 19)} UTC</time>.
      </p>
      <section class="panel" aria-labelledby="series">
        <h2 id="series">Net revenue by {range.interval}</h2>
        <SeriesChart
          title={`Net revenue by ${range.interval}, ${range.label}, ${currency}`}
          unit={currency}
          points={report.series.map((p) => ({
            label: p.period,
            tick: periodTick(p.period, range.interval),
            value: p.net,
            shown: `${fmt(p.net)} ${currency}`,
          }))}
        />
        <details>
          <summary>Figures by {range.interval}</summary>
          <div class="table-wrap">
            <table class="figures">
              <TableHead
                columns={[
                  range.interval === "week"
                    ? "Week of"
                    : range.interval === "month"
                      ? "Month"
                      : "Day",
                  { num: "Gross" },
                  { num: "Discounts" },
                  { num: "Refunds" },
                  { num: "Net" },
                  { num: "Tax" },
                  { num: "Sales" },
                  { num: "Items" },
                ]}
              />
              <tbody>
                {report.series.map((p) => (
                  <tr data-period={p.period}>
                    <td>{p.period}</td>
                    <td class="num">{fmt(p.gross)}</td>
                    <td class="num">{fmt(p.discounts)}</td>
                    <td class="num">{fmt(p.refunds)}</td>
                    <td class="num">{fmt(p.net)}</td>
                    <td class="num">{fmt(p.tax)}</td>
                    <td class="num">{p.sales}</td>
                    <td class="num">{p.items_sold - p.items_refunded}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
      {shopId === null ? (
        <div class="grid-2">
          <section class="panel" aria-labelledby="top-shops">
            <h2 id="top-shops">Top 10 shops by net ({currency})</h2>
            <BarChart
              title={`Top 10 shops by net revenue, ${range.label}`}
              bars={shopBars(view.topShops, search, currency)}
            />
          </section>
          <section class="panel" aria-labelledby="bottom-shops">
            <h2 id="bottom-shops">Bottom 10 shops by net ({currency})</h2>
            <BarChart
              title={`Bottom 10 shops by net revenue, ${range.label}`}
              bars={shopBars(view.bottomShops, search, currency)}
            />
          </section>
        </div>
      ) : (
        <section class="panel" aria-labelledby="weakest">
          <h2 id="weakest">Weakest days</h2>
          <div class="table-wrap">
            <table>
              <TableHead
                columns={["Business day", { num: "Gross" }, { num: "Refunds" }, { num: "Net" }]}
              />
              <tbody>
                {view.weakestDays.map((d) => (
                  <tr data-weak-day={d.period}>
                    <td>{d.period}</td>
                    <td class="num">{fmt(d.gross)}</td>
                    <td class="num">{fmt(d.refunds)}</td>
                    <td class="num">{fmt(d.net)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <section class="panel" aria-labelledby="top-products">
        <h2 id="top-products">Top 10 products by net quantity</h2>
        <BarChart
          title={`Top 10 products by net quantity, ${range.label}`}
          bars={view.topProducts.map((p) => ({
            id: `product-${p.id}`,
            label: p.name || `Product ${p.id}`,
            value: netItems(p.figures),
            shown: netItems(p.figures).toLocaleString("en-US"),
          }))}
        />
      </section>
    </>
  );
}
