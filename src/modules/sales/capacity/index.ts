// D1's capacity (docs/ARCHIVE.md#d1s-capacity): how full the database is and when it fills,
// the daily count that warns the admins; the archive is the answer to it.
export {
  type Capacity,
  capacity,
  capacityJob,
  capacityWarningMail,
  WARNING_PERCENT,
} from "./capacity";
export { capacityRoutes } from "./routes";
