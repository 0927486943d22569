// A shop's history moved to its new business days (docs/API.md#business-days): the job that
// recomputes its rollups from its transactions, the archived ones included, and rebuilds the rankings.
export { rebucketJob, rebucketShop } from "./rebucket";
