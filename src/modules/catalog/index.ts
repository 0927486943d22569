import type { ModuleManifest } from "../../platform/module";
import { catalogRoutes } from "./routes";
import * as tables from "./schema";
import { productExists, shopExists } from "./service";

export {
  createProductSchema,
  createShopSchema,
  MAX_PRICE_MINOR,
  updateProductSchema,
  updateShopSchema,
} from "./dto";
export type { Product, Shop } from "./schema";
export {
  createProduct,
  createShop,
  getProduct,
  getProductsByIds,
  getShop,
  listProducts,
  listShops,
  updateProduct,
  updateShop,
} from "./service";
export { type CatalogSnapshot, catalogSnapshot, resolveCatalog } from "./snapshot";

/** Products and shops: the catalog that sales and the network both refer to. */
export const catalogModule: ModuleManifest = {
  name: "catalog",
  routes: catalogRoutes,
  tables,
  provides: { product: productExists, shop: shopExists },
};
