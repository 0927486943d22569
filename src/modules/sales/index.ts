import type { ModuleManifest } from "../../platform/module";
import { salesAdminRoutes } from "./admin-routes";
import { ingestRoutes } from "./ingest-routes";
import { salesOfProduct, salesOfShop } from "./operations";

export { type TerminalOverview, terminalsOverview } from "./operations";

import { rebucketJob, rebucketShop } from "./rebucket";
import { reportRoutes } from "./report-routes";
import * as tables from "./schema";
import { terminalRoutes } from "./terminal-routes";
import { transactionRoutes } from "./transaction-routes";

export { dateSchema, monthSchema } from "./dto";
export { type Figures, type FiguresJson, figuresJson, netItems, netMinor } from "./figures";
export { SalesIngest } from "./ingest-do";
export { type DashboardView, dashboardView } from "./range-reports";
export { Rankings, rankingsStub } from "./rankings-do";
export { rebucketJob } from "./rebucket";
export { MAX_RANGE_DAYS } from "./report-routes";
export { currentMonth } from "./reports";

/** Point-of-sale ingest (sharded buffers flushed to D1) and the top-10 reports. */
export const salesModule: ModuleManifest = {
  name: "sales",
  routes: [
    ...ingestRoutes,
    ...transactionRoutes,
    ...terminalRoutes,
    ...reportRoutes,
    ...salesAdminRoutes,
  ],
  tables,
  durableObjects: ["SalesIngest", "Rankings"],
  refersTo: { product: salesOfProduct, shop: salesOfShop },
  follows: { shop: rebucketShop },
  bulkJobs: [rebucketJob],
};
