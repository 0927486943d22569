import type { ModuleManifest } from "../../platform/module";
import { weeklyRobotReportJob } from "./jobs";
import { robotInStockMail, weeklyRobotReportMail } from "./mail";
import { robotRoutes } from "./routes";
import * as tables from "./schema";

export { createModelSchema } from "./dto";
export { buildWeeklyWorkbook, checkWeekEnd, weeklyFilename, XLSX_TYPE } from "./report";
export { createModel, listModels, listRobotOrders, listRobots } from "./service";

/** The robot factory: models, production, the weekly workbook and the waiting list. */
export const robotsModule: ModuleManifest = {
  name: "robots",
  routes: robotRoutes,
  scheduledJobs: [weeklyRobotReportJob],
  mailTemplates: [robotInStockMail, weeklyRobotReportMail],
  tables,
};
