// A shard's SQLite storage: its schema versions, and the statements over its buffer.
import type { MigrationStep } from "../../platform/durable/migrate";
import type { BufferedSale, FlushChunk } from "./flush";
import { saleKeyHash } from "./seen";

/** A sale on its way to a shard; `clientId`: its id came from the client (so it can be retried). */
export type IncomingSale = Omit<BufferedSale, "seq"> & { clientId: boolean };

export const MIGRATIONS: readonly MigrationStep[] = [
  // v1: the first release's layout (ids unique per shard).
  [
    `CREATE TABLE IF NOT EXISTS buffer (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, product_id INTEGER NOT NULL,
      shop_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,
      sold_at INTEGER NOT NULL)`,
    "CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, accepted_at INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
  ],
  // v2: a sale is (shop_id, sale_id). Old `seen` ids carry no shop: only the buffered ones are
  // kept; a retry of an older sale is still stored once by D1's unique key.
  [
    "ALTER TABLE buffer RENAME COLUMN id TO sale_id",
    "DROP TABLE seen",
    `CREATE TABLE seen (shop_id INTEGER NOT NULL, sale_id TEXT NOT NULL,
      accepted_at INTEGER NOT NULL, PRIMARY KEY (shop_id, sale_id)) WITHOUT ROWID`,
    "CREATE INDEX seen_accepted_at ON seen (accepted_at)",
    `INSERT OR IGNORE INTO seen (shop_id, sale_id, accepted_at)
      SELECT shop_id, sale_id, unixepoch('subsec') * 1000 FROM buffer`,
  ],
  // v3: the buffer's own unique key catches repeats of unflushed sales; flushed client ids
  // become a log of hashes, appended by the flushes (see seen.ts).
  [
    "CREATE UNIQUE INDEX buffer_shop_sale ON buffer (shop_id, sale_id)",
    "ALTER TABLE buffer ADD COLUMN client_id INTEGER NOT NULL DEFAULT 1",
    `CREATE TABLE seen_hashes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, h INTEGER NOT NULL, at INTEGER NOT NULL)`,
    "CREATE INDEX seen_hashes_at ON seen_hashes (at)",
    (sql) => {
      const flushed = sql
        .exec<{ shop_id: number; sale_id: string; accepted_at: number }>(
          `SELECT shop_id, sale_id, accepted_at FROM seen
           WHERE (shop_id, sale_id) NOT IN (SELECT shop_id, sale_id FROM buffer)
           ORDER BY accepted_at`,
        )
        .toArray();
      for (const row of flushed) {
        sql.exec(
          "INSERT INTO seen_hashes (h, at) VALUES (?, ?)",
          saleKeyHash(row.shop_id, row.sale_id),
          row.accepted_at,
        );
      }
    },
    "DROP TABLE seen",
  ],
];

// The buffer's rows arrive as one JSON array of arrays: one statement however many sales.
export const INSERT_BUFFER = `INSERT INTO buffer
  (shop_id, sale_id, product_id, quantity, unit_price_minor, sold_at, client_id)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
  FROM json_each(?) WHERE true`;

export function rowsJson(sales: readonly IncomingSale[]): string {
  return JSON.stringify(
    sales.map((s) => [
      s.shopId,
      s.saleId,
      s.productId,
      s.quantity,
      s.unitPriceMinor,
      s.soldAt,
      s.clientId ? 1 : 0,
    ]),
  );
}

/** The oldest buffered rows, up to `limit`, as one JSON array built by SQLite. */
export function readChunk(sql: SqlStorage, limit: number): FlushChunk | null {
  // Read before any await: a SQL cursor has no snapshot across one.
  const row = sql
    .exec<{ first: number | null; last: number; n: number; rows: string }>(
      `SELECT min(seq) AS first, max(seq) AS last, count(*) AS n,
              json_group_array(json_array(shop_id, sale_id, product_id, quantity,
                                          unit_price_minor, sold_at)) AS rows
       FROM (SELECT * FROM buffer ORDER BY seq LIMIT ?)`,
      limit,
    )
    .one();
  if (row.first === null) return null;
  return { firstSeq: row.first, lastSeq: row.last, count: row.n, rowsJson: row.rows };
}

type BufferRow = {
  seq: number;
  shop_id: number;
  sale_id: string;
  product_id: number;
  quantity: number;
  unit_price_minor: number;
  sold_at: number;
};

/** A chunk's rows one by one, for the bisection of a flush D1 refused. */
export function readRows(sql: SqlStorage, chunk: FlushChunk): BufferedSale[] {
  return sql
    .exec<BufferRow>(
      "SELECT * FROM buffer WHERE seq BETWEEN ? AND ? ORDER BY seq",
      chunk.firstSeq,
      chunk.lastSeq,
    )
    .toArray()
    .map((r) => ({
      seq: r.seq,
      shopId: r.shop_id,
      saleId: r.sale_id,
      productId: r.product_id,
      quantity: r.quantity,
      unitPriceMinor: r.unit_price_minor,
      soldAt: r.sold_at,
    }));
}

/** The hashes of the flushed client ids up to `lastRow` (before they leave the buffer). */
export function flushedClientHashes(sql: SqlStorage, lastRow: number): number[] {
  return sql
    .exec<{ shop_id: number; sale_id: string }>(
      "SELECT shop_id, sale_id FROM buffer WHERE seq <= ? AND client_id = 1",
      lastRow,
    )
    .toArray()
    .map((r) => saleKeyHash(r.shop_id, r.sale_id));
}
