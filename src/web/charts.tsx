// Charts drawn on the server as SVG: readable without JavaScript, no chart library, no CDN.

export type Bar = { id: string; label: string; value: number; shown: string };

const WIDTH = 640;
const ROW = 30;
const LABEL = 230;
const VALUE = 110;

/** Horizontal bars, largest first as given; each bar carries its id and value for the page. */
export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  if (bars.length === 0) return <p class="empty">No sales in this period yet.</p>;
  const max = Math.max(...bars.map((b) => b.value), 1);
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
        const width = Math.max(2, (bar.value / max) * span);
        const y = i * ROW;
        return (
          <g class="bar" data-id={bar.id} data-value={String(bar.value)}>
            <text x={LABEL - 8} y={y + 20} text-anchor="end" class="label">
              {bar.label.length > 30 ? `${bar.label.slice(0, 29)}…` : bar.label}
            </text>
            <rect x={LABEL} y={y + 5} width={width.toFixed(1)} height={ROW - 10} rx="3" />
            <text x={LABEL + width + 6} y={y + 20} class="value">
              {bar.shown}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Revenue per day of a month: a column per day, empty days at zero. */
export function DayChart(props: {
  title: string;
  daysInMonth: number;
  values: Map<number, number>;
  shown: (v: number) => string;
}) {
  const height = 180;
  const base = height - 24;
  const column = WIDTH / props.daysInMonth;
  const max = Math.max(...props.values.values(), 1);
  const days = Array.from({ length: props.daysInMonth }, (_, i) => i + 1);
  return (
    <svg
      class="chart days"
      role="img"
      aria-label={props.title}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
    >
      <title>{props.title}</title>
      <line x1="0" y1={base} x2={WIDTH} y2={base} class="axis" />
      {days.map((day) => {
        const value = props.values.get(day) ?? 0;
        const h = (value / max) * (base - 8);
        const x = (day - 1) * column;
        return (
          <g class="day" data-day={String(day)} data-value={String(value)}>
            <rect
              x={(x + 2).toFixed(1)}
              y={(base - h).toFixed(1)}
              width={(column - 4).toFixed(1)}
              height={h.toFixed(1)}
            >
              <title>{`Day ${day}: ${props.shown(value)}`}</title>
            </rect>
            {(day === 1 || day % 5 === 0) && (
              <text
                x={(x + column / 2).toFixed(1)}
                y={height - 6}
                text-anchor="middle"
                class="tick"
              >
                {day}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
