import type { ModuleManifest } from "../../platform/module";
import { clearDebtJob, debtDecreaseJob, debtIncreaseJob } from "./jobs";
import { companyQrMail } from "./mail";
import { networkRoutes } from "./routes";
import * as tables from "./schema";
import { companiesCarrying, companyExists } from "./service";

export { LEVEL_NAMES } from "./dto";
export { clearDebtJob } from "./jobs";
export { customersOf, getCompany, listCompanies } from "./queries";
export { CLEAR_NOW_MAX } from "./routes";
export { clearDebt } from "./service";

/** The five-level supplier network: companies, their employees' API, debts, QR e-mails. */
export const networkModule: ModuleManifest = {
  name: "network",
  routes: networkRoutes,
  scheduledJobs: [debtIncreaseJob, debtDecreaseJob],
  bulkJobs: [clearDebtJob],
  mailTemplates: [companyQrMail],
  tables,
  provides: { company: companyExists },
  refersTo: { product: companiesCarrying },
};
