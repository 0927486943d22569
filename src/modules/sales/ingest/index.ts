// The write path's Worker side (docs/ARCHITECTURE.md#the-write-path): the ingest routes, and
// what operators and the catalog ask of the shards. The shard object itself is in ../shard.
export { salesAdminRoutes } from "./admin-routes";
export { salesOfProduct, salesOfShop } from "./operations";
export { ingestRoutes } from "./routes";
