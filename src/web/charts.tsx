// Charts drawn on the server as SVG: readable without JavaScript, no chart library, no CDN.

export type Bar = {
  id: string;
  label: string;
  value: number;
  shown: string;
  /** Where the bar leads, and what a hover over it tells (e.g. the shop's address). */
  href?: string;
  hint?: string;
};

const WIDTH = 640;
const ROW = 30;
const LABEL = 230;
const VALUE = 110;

/** Horizontal bars, largest first as given; each bar carries its id and value for the page. */
export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  if (bars.length === 0) return <p class="empty">No sales in this period yet.</p>;
  const max = Math.max(...bars.map((b) => b.value), 1);
  // Negative values (refunds above sales) draw as a zero-width bar with their value shown.
  const span = WIDTH - LABEL - VALUE;
  return (
    <svg
      class="chart bars"
      role="img"
      aria-label={title}
      viewBox={`0 0 ${WIDTH} ${bars.length * ROW}`}
      width={WIDTH}
      height={bars.length * ROW}
    >
      <title>{title}</title>
      {bars.map((bar, i) => {
        const width = Math.max(2, (Math.max(bar.value, 0) / max) * span);
        const y = i * ROW;
        const content = (
          <>
            {bar.hint && <title>{`${bar.label} — ${bar.hint}`}</title>}
            <text x={LABEL - 8} y={y + 20} text-anchor="end" class="label">
              {bar.label.length > 30 ? `${bar.label.slice(0, 29)}…` : bar.label}
            </text>
            <rect x={LABEL} y={y + 5} width={width.toFixed(1)} height={ROW - 10} rx="3" />
            <text x={LABEL + width + 6} y={y + 20} class="value">
              {bar.shown}
            </text>
          </>
        );
        return (
          <g class="bar" data-id={bar.id} data-value={String(bar.value)}>
            {bar.href ? <a href={bar.href}>{content}</a> : content}
          </g>
        );
      })}
    </svg>
  );
}

/** A round step for an axis from 0 to `max` in about `ticks` steps (1, 2 or 5 × 10^n). */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return unit * power;
}

const compact = (v: number) =>
  Math.abs(v) >= 1e6
    ? `${+(v / 1e6).toFixed(1)}M`
    : Math.abs(v) >= 1e3
      ? `${+(v / 1e3).toFixed(1)}k`
      : `${+v.toFixed(2)}`;

/**
 * A value per period as columns over a labelled y-axis; each column's value is printed above it
 * while they fit, and is always in its `<title>` and the table the page puts beside the chart.
 */
export function SeriesChart(props: {
  title: string;
  unit: string;
  points: { label: string; tick: string; value: number; shown: string }[];
}) {
  const height = 220;
  const left = 56;
  const top = 18;
  const base = height - 26;
  const width = WIDTH - left;
  const values = props.points.map((p) => p.value);
  const step = niceStep(Math.max(...values, 1), 4);
  const axisMax = step * Math.ceil(Math.max(...values, 1) / step);
  const y = (v: number) => base - (Math.max(v, 0) / axisMax) * (base - top);
  const column = width / Math.max(props.points.length, 1);
  const printValues = props.points.length <= 16;
  const tickEvery = Math.ceil(props.points.length / 8);
  const gridLines = Array.from({ length: Math.round(axisMax / step) + 1 }, (_, i) => i * step);
  return (
    <svg
      class="chart series"
      role="img"
      aria-label={props.title}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
    >
      <title>{props.title}</title>
      <text x="0" y="10" class="tick">
        {props.unit}
      </text>
      {gridLines.map((v) => (
        <g class="grid">
          <line x1={left} y1={y(v).toFixed(1)} x2={WIDTH} y2={y(v).toFixed(1)} class="axis" />
          <text x={left - 6} y={(y(v) + 4).toFixed(1)} text-anchor="end" class="tick">
            {compact(v)}
          </text>
        </g>
      ))}
      {props.points.map((p, i) => {
        const x = left + i * column;
        const h = base - y(p.value);
        return (
          <g class="period" data-period={p.label} data-value={String(p.value)}>
            <rect
              x={(x + Math.min(2, column / 8)).toFixed(1)}
              y={y(p.value).toFixed(1)}
              width={Math.max(1, column - Math.min(4, column / 4)).toFixed(1)}
              height={h.toFixed(1)}
            >
              <title>{`${p.label}: ${p.shown}`}</title>
            </rect>
            {printValues && p.value !== 0 && (
              <text
                x={(x + column / 2).toFixed(1)}
                y={(y(p.value) - 4).toFixed(1)}
                text-anchor="middle"
                class="value"
              >
                {compact(p.value)}
              </text>
            )}
            {i % tickEvery === 0 && (
              <text
                x={(x + column / 2).toFixed(1)}
                y={height - 8}
                text-anchor="middle"
                class="tick"
              >
                {p.tick}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
