// The ground truth of docs/API.md#business-days, computed the slow way from raw transactions: business days
// from the instants at which each day starts (found minute by minute with Intl), and figures
// summed from the transactions themselves. Shares no code with src/.

const MINUTE = 60_000;
const DAY = 86_400_000;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The local clock reading of an instant, as milliseconds of a UTC calendar (minute precision). */
function wallOf(ms: number, zone: string): number {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new Intl.DateTimeFormat("sv-SE", {
      timeZone: zone,
      hourCycle: "h23",
      dateStyle: "short",
      timeStyle: "short",
    });
    clocks.set(zone, clock);
  }
  // "2026-03-29 03:00"
  return Date.parse(`${clock.format(ms).replace(" ", "T")}:00Z`);
}

const starts = new Map<string, number>();
const STEP = 15 * MINUTE;

/** The first instant (to the minute) at which the local clock reads `day` `startMin`. */
export function dayStart(day: string, zone: string, startMin: number): number {
  const key = `${zone}|${startMin}|${day}`;
  const cached = starts.get(key);
  if (cached !== undefined) return cached;
  const target = Date.parse(`${day}T00:00:00Z`) + startMin * MINUTE;
  // Offsets lie within ±15 h. A window of the scan where the clock ran evenly is settled by its
  // end; one where it jumped (a DST change) or reached the target is read minute by minute.
  let prev = target - 15 * 3_600_000;
  let prevWall = wallOf(prev, zone);
  for (let at = prev + STEP; at <= target + 15 * 3_600_000; at += STEP) {
    const wall = wallOf(at, zone);
    if (wall >= target || wall - prevWall !== STEP) {
      for (let m = prev + MINUTE; m <= at; m += MINUTE) {
        if (wallOf(m, zone) >= target) {
          starts.set(key, m);
          return m;
        }
      }
    }
    prev = at;
    prevWall = wall;
  }
  throw new Error(`no start of ${day} in ${zone}`);
}

const shift = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** The business day of an instant: the day whose start is the latest not after it. */
export function bruteBusinessDay(ms: number, zone: string, startMin: number): string {
  const utc = new Date(ms).toISOString().slice(0, 10);
  for (const n of [2, 1, 0, -1, -2]) {
    const day = shift(utc, n);
    if (dayStart(day, zone, startMin) <= Math.floor(ms / MINUTE) * MINUTE) return day;
  }
  throw new Error(`no business day for ${ms} in ${zone}`);
}

export type RawSale = {
  id: string;
  shopId: number;
  productId: number;
  quantity: number;
  priceMinor: number;
  at: number;
  day: string;
};
export type RawRefund = { id: string; sale: RawSale; quantity: number; at: number; day: string };

export type Totals = {
  gross: number;
  discounts: number;
  refunds: number;
  net: number;
  tax: number;
  collected: number;
  items_sold: number;
  items_refunded: number;
  sales: number;
  average_sale: number | null;
  items_per_sale: number | null;
};

/** Figures of the transactions whose business day passes `keep`, summed in minor units. */
export function bruteFigures(
  salesList: readonly RawSale[],
  refundList: readonly RawRefund[],
  keep: (day: string, shopId: number, productId: number) => boolean,
): Totals {
  let gross = 0;
  let refunds = 0;
  let sold = 0;
  let refunded = 0;
  let count = 0;
  for (const s of salesList) {
    if (!keep(s.day, s.shopId, s.productId)) continue;
    gross += s.quantity * s.priceMinor;
    sold += s.quantity;
    count++;
  }
  for (const r of refundList) {
    if (!keep(r.day, r.sale.shopId, r.sale.productId)) continue;
    refunds += r.quantity * r.sale.priceMinor;
    refunded += r.quantity;
  }
  // One-line sales at the catalog price: no discount and no tax.
  return {
    gross: gross / 100,
    discounts: 0,
    refunds: refunds / 100,
    net: (gross - refunds) / 100,
    tax: 0,
    collected: (gross - refunds) / 100,
    items_sold: sold,
    items_refunded: refunded,
    sales: count,
    average_sale: count === 0 ? null : Math.round(gross / count) / 100,
    items_per_sale: count === 0 ? null : Math.round((sold / count) * 100) / 100,
  };
}

/** Instants at which a zone's offset changes during a year (hour precision), by scanning it. */
export function offsetChanges(zone: string, year: number): number[] {
  const out: number[] = [];
  const from = Date.UTC(year, 0, 1);
  let before = wallOf(from, zone) - from;
  for (let at = from + 1_800_000; at < Date.UTC(year + 1, 0, 1); at += 1_800_000) {
    const offset = wallOf(at, zone) - at;
    if (offset !== before) out.push(at);
    before = offset;
  }
  return out;
}
