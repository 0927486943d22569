import type { ModuleManifest } from "../../platform/module";
import { archiveJob, archiveRoutes, archiveScheduledJob, reopenJob } from "./archive";
import * as archiveTables from "./archive/schema";
import { capacityJob, capacityRoutes, capacityWarningMail } from "./capacity";
import * as capacityTables from "./capacity/schema";
import * as tables from "./core/schema";
import { fxRoutes } from "./fx";
import * as fxTables from "./fx/schema";
import { ingestRoutes, salesAdminRoutes, salesOfProduct, salesOfShop } from "./ingest";
import { rebucketJob, rebucketShop } from "./rebucket";
import { receiptRoutes, reportRoutes } from "./reports";
import { terminalRoutes } from "./terminals";

// The flows, each a folder (docs/ARCHITECTURE.md#the-sales-module): core (shared types, the D1
// schema, the stubs), ingest and shard (the write path), reports (the read path), terminals,
// archive (closed months in R2), capacity (how full D1 is).
export {
  archiveFileResponse,
  archiveJob,
  listMonths,
  reopenJob,
  requestArchive,
  requestReopen,
} from "./archive";
export { type Capacity, capacity, capacityJob, WARNING_PERCENT } from "./capacity";
export { rankingsStub } from "./core/shards";
export { refundJson, saleIdSchema } from "./core/wire";
export { listRates, putRates, putRatesSchema } from "./fx";
export { rebucketJob } from "./rebucket";
export {
  type DashboardView,
  dashboardView,
  dateSchema,
  type Figures,
  type FiguresJson,
  figuresJson,
  listReceipts,
  MAX_RANGE_DAYS,
  monthSchema,
  netItems,
  netMinor,
  Rankings,
  reportingCurrency,
  WATCHED_SHOPS_HEADER,
} from "./reports";
export { SalesIngest } from "./shard";
export {
  readBack,
  readBackJson,
  receiptJson,
  type TerminalOverview,
  terminalsOverview,
} from "./terminals";

/** Point-of-sale ingest (sharded buffers flushed to D1), the reports, the terminals. */
export const salesModule: ModuleManifest = {
  name: "sales",
  routes: [
    ...ingestRoutes,
    ...terminalRoutes,
    ...reportRoutes,
    ...receiptRoutes,
    ...salesAdminRoutes,
    ...archiveRoutes,
    ...capacityRoutes,
    ...fxRoutes,
  ],
  tables: { ...tables, ...archiveTables, ...capacityTables, ...fxTables },
  durableObjects: ["SalesIngest", "Rankings"],
  refersTo: { product: salesOfProduct, shop: salesOfShop },
  follows: { shop: rebucketShop },
  bulkJobs: [rebucketJob, archiveJob, reopenJob],
  scheduledJobs: [archiveScheduledJob, capacityJob],
  mailTemplates: [capacityWarningMail],
};
