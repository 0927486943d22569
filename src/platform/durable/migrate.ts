/**
 * Durable Object storage migrations: `migrations[i]` takes the schema from version i to i + 1.
 * The version is stored with the data, and the pending steps run in one transaction when the
 * object wakes (call it from `blockConcurrencyWhile` in the constructor).
 */
export function migrateStorage(
  storage: DurableObjectStorage,
  migrations: readonly (readonly string[])[],
): number {
  const sql = storage.sql;
  return storage.transactionSync(() => {
    sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
    const from = row?.version ?? 0;
    if (from > migrations.length) {
      throw new Error(`storage is at version ${from}, newer than this code (${migrations.length})`);
    }
    for (const step of migrations.slice(from)) for (const statement of step) sql.exec(statement);
    if (row) sql.exec("UPDATE schema_version SET version = ?", migrations.length);
    else sql.exec("INSERT INTO schema_version (version) VALUES (?)", migrations.length);
    return migrations.length;
  });
}
