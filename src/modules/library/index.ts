import type { ModuleManifest } from "../../platform/module";
import { libraryRoutes } from "./routes";
import * as tables from "./schema";

/** Books: public reads, writes by signed-in users. */
export const libraryModule: ModuleManifest = {
  name: "library",
  routes: libraryRoutes,
  tables,
};
