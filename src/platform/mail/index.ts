import type { ModuleManifest } from "../module";
import { outboxRoutes } from "./routes";
import * as tables from "./schema";

/** The outbox: every e-mail the mail consumer rendered, for the operator. */
export const mailModule: ModuleManifest = {
  name: "mail",
  routes: outboxRoutes,
  tables,
};
