/**
 * Durable Object storage migrations: `migrations[i]` takes the schema from version i to i + 1.
 * The version is stored with the data, and the pending steps run in one transaction when the
 * object wakes (call it from `blockConcurrencyWhile` in the constructor).
 */
/** A step: SQL statements, or code for what SQL alone cannot do (e.g. hashing in JS). */
export type MigrationStep = readonly (string | ((sql: SqlStorage) => void))[];

export function migrateStorage(
  storage: DurableObjectStorage,
  migrations: readonly MigrationStep[],
): number {
  const sql = storage.sql;
  return storage.transactionSync(() => {
    sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
    const from = row?.version ?? 0;
    if (from > migrations.length) {
      throw new Error(`storage is at version ${from}, newer than this code (${migrations.length})`);
    }
    for (const step of migrations.slice(from)) {
      for (const part of step) {
        if (typeof part === "string") sql.exec(part);
        else part(sql);
      }
    }
    if (row) sql.exec("UPDATE schema_version SET version = ?", migrations.length);
    else sql.exec("INSERT INTO schema_version (version) VALUES (?)", migrations.length);
    return migrations.length;
  });
}
