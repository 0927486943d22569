import type { ModuleManifest } from "../../platform/module";
import { keysBoundToShop } from "./api-keys";
import { welcomeMail } from "./mail";
import { authRoutes } from "./routes";
import * as tables from "./schema";

export { authenticateBearer } from "./authenticate";
export { detachEmployees } from "./users";

/** People (users, roles, sign-in) and machines (API keys). */
export const authModule: ModuleManifest = {
  name: "auth",
  routes: authRoutes,
  mailTemplates: [welcomeMail],
  tables,
  refersTo: { shop: keysBoundToShop },
};
