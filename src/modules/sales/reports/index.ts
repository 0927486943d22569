// The read path (docs/ARCHITECTURE.md#the-read-path): figures from the day rollups, the range and
// month reports, the Rankings object's live top-10s, re-bucketing, and their routes. It reads what
// the write path stored and asks the shards only through their stubs (core/shards.ts).

export { reportingCurrency } from "./chain";
export { dateSchema, monthSchema } from "./dto";
export { type Figures, type FiguresJson, figuresJson, netItems, netMinor } from "./figures";
export { currentMonth, rebuildRankings } from "./month-reports";
export { type DashboardView, dashboardView } from "./range-reports";
export { Rankings, WATCHED_SHOPS_HEADER } from "./rankings";
export { listReceipts, receiptRoutes } from "./receipts";
export { MAX_RANGE_DAYS, reportRoutes } from "./routes";
