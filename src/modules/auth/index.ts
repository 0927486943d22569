import type { ModuleManifest } from "../../platform/module";
import { keysBoundToShop } from "./api-keys";
import { welcomeMail } from "./mail";
import { authRoutes } from "./routes";
import * as tables from "./schema";

export { createApiKey, getLiveApiKey, listApiKeys, revokeApiKey } from "./api-keys";
export { authenticateBearer } from "./authenticate";
export { createApiKeySchema, ROLES, SCOPES } from "./dto";
export { signInLimit } from "./routes";
export { authenticateSession, clearFlash, setFlash, signIn, signOut } from "./sessions";
export { adminEmails, detachEmployees, employeesOf, listUsers, setRole } from "./users";

/** People (users, roles, sign-in) and machines (API keys). */
export const authModule: ModuleManifest = {
  name: "auth",
  routes: authRoutes,
  mailTemplates: [welcomeMail],
  tables,
  refersTo: { shop: keysBoundToShop },
};
