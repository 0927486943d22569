import type { ModuleManifest } from "../module";
import type { JobRegistry } from "./job";
import { jobRoutes } from "./routes";
import * as tables from "./schema";

/** Job state and manual runs for the operator, over every module's jobs. */
export function jobsModule(registry: JobRegistry): ModuleManifest {
  return { name: "jobs", routes: jobRoutes(registry), tables };
}
