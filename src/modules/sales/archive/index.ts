// The archive flow (docs/ARCHIVE.md): closed months' raw transactions moved to R2 as Parquet,
// and read from there by the write path (retries, refunds) and the read-back.
export {
  archiveFileResponse,
  archiveJob,
  archiveScheduledJob,
  listMonths,
  reopenJob,
  requestArchive,
  requestReopen,
} from "./admin";
export { answerFrozenMonths } from "./answer";
export { archivedRefundsOf, stageArchivedOfShop, storedInArchive } from "./lookup";
export { archiveRoutes } from "./routes";
