import type { ModuleManifest } from "../../platform/module";
import { salesAdminRoutes } from "./admin-routes";
import { ingestRoutes } from "./ingest-routes";
import { reportRoutes } from "./report-routes";
import { salesOfProduct, salesOfShop } from "./reports";
import {
  dayRevenue,
  productMonthQuantity,
  sales,
  salesDeadLetters,
  salesFlushLog,
  shopMonthRevenue,
} from "./schema";

export { SalesIngest } from "./ingest-do";
export { Rankings } from "./rankings-do";

/** Point-of-sale ingest (sharded buffers flushed to D1) and the top-10 reports. */
export const salesModule: ModuleManifest = {
  name: "sales",
  routes: [...ingestRoutes, ...reportRoutes, ...salesAdminRoutes],
  tables: {
    sales,
    salesFlushLog,
    shopMonthRevenue,
    productMonthQuantity,
    dayRevenue,
    salesDeadLetters,
  },
  durableObjects: ["SalesIngest", "Rankings"],
  refersTo: { product: salesOfProduct, shop: salesOfShop },
};
