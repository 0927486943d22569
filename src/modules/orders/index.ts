import type { ModuleManifest } from "../../platform/module";
import { dailyOrderStatsJob } from "./jobs";
import { orderRoutes } from "./routes";
import * as tables from "./schema";

export { getOrder, listOrders, orderStatuses, sellerStats } from "./service";

/** Sellers' bulk order uploads and their statistics. */
export const ordersModule: ModuleManifest = {
  name: "orders",
  routes: orderRoutes,
  scheduledJobs: [dailyOrderStatsJob],
  tables,
};
