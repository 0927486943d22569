import type { ModuleManifest } from "../../platform/module";
import { catalogRoutes } from "./routes";
import * as tables from "./schema";
import { productExists, shopExists } from "./service";

export type { Product, Shop } from "./schema";
export { getProductsByIds } from "./service";
export { type CatalogSnapshot, catalogSnapshot, resolveCatalog } from "./snapshot";

/** Products and shops: the catalog that sales and the network both refer to. */
export const catalogModule: ModuleManifest = {
  name: "catalog",
  routes: catalogRoutes,
  tables,
  provides: { product: productExists, shop: shopExists },
};
