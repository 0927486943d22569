// A shard's SQLite schema, version by version (run in order on wake, see platform/durable).
import type { MigrationStep } from "../../../platform/durable/migrate";
import { saleKeyHash } from "./seen";

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
  // v4: business dates and refunds (docs/API.md#refunds). `refunded` is the authority on how much of a
  // sale has been refunded, buffered or flushed: only this shard writes its shops' refunds.
  [
    "ALTER TABLE buffer ADD COLUMN business_day TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE buffer ADD COLUMN refund_of TEXT",
    "ALTER TABLE buffer ADD COLUMN accepted_at INTEGER NOT NULL DEFAULT 0",
    "UPDATE buffer SET accepted_at = unixepoch('subsec') * 1000",
    `CREATE TABLE refunded (shop_id INTEGER NOT NULL, sale_id TEXT NOT NULL,
      quantity INTEGER NOT NULL, PRIMARY KEY (shop_id, sale_id)) WITHOUT ROWID`,
  ],
  // v5: the seqs held from each terminal, as compact ranges (docs/API.md#terminals; see terminals/seqs.ts).
  [
    `CREATE TABLE terminals (shop_id INTEGER NOT NULL, terminal_id TEXT NOT NULL,
      ranges TEXT NOT NULL, highest INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
      PRIMARY KEY (shop_id, terminal_id)) WITHOUT ROWID`,
  ],
  // v6: the log of flushed ids as one row per flush (a row and an index entry per sale were
  // two rows written per sale, two more when pruned). No AUTOINCREMENT: its sqlite_sequence
  // update would be another row written per flush, and the order needs only rowid's max + 1.
  [
    `CREATE TABLE seen_flushes (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,
      n INTEGER NOT NULL, hashes TEXT NOT NULL)`,
    `INSERT INTO seen_flushes (at, n, hashes)
      SELECT at, count(*), json_group_array(h) FROM (SELECT * FROM seen_hashes ORDER BY seq)
      GROUP BY at ORDER BY min(seq)`,
    "DROP TABLE seen_hashes",
  ],
  // v7: the buffer as one row per write (see buffer.ts); `buffer` becomes a view of its
  // transactions. Rows buffered before move one to a row; seqs go on from where they were.
  [
    `CREATE TABLE buffer_appends (first_seq INTEGER PRIMARY KEY, n INTEGER NOT NULL,
      rows TEXT NOT NULL)`,
    `INSERT INTO buffer_appends (first_seq, n, rows)
      SELECT seq, 1, json_array(json_array(shop_id, sale_id, product_id, quantity,
        unit_price_minor, sold_at, business_day, refund_of, client_id, accepted_at))
      FROM buffer`,
    `INSERT INTO meta (key, value) VALUES ('next_seq',
      coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'buffer'), 0) + 1)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    "DROP TABLE buffer",
    `CREATE VIEW buffer AS
      SELECT a.first_seq + j.key AS seq, j.value ->> 0 AS shop_id, j.value ->> 1 AS sale_id,
        j.value ->> 2 AS product_id, j.value ->> 3 AS quantity,
        j.value ->> 4 AS unit_price_minor, j.value ->> 5 AS sold_at,
        j.value ->> 6 AS business_day, j.value ->> 7 AS refund_of,
        j.value ->> 8 AS client_id, j.value ->> 9 AS accepted_at
      FROM buffer_appends a, json_each(a.rows) j`,
  ],
  // v8: receipts (docs/API.md#receipts). A buffered transaction is [shop, id, at, day,
  // refund_of, lines, receipt discount, client_id, accepted_at]; a one-line sale buffered before
  // becomes a receipt of one line, a refund one of line 1 (a day left empty gets its UTC date).
  // The ledger keeps what is refunded per line.
  [
    (sql) => {
      type Old = [
        number,
        string,
        number,
        number,
        number,
        number,
        string,
        string | null,
        number,
        number,
      ];
      const appends = sql
        .exec<{ first_seq: number; rows: string }>("SELECT first_seq, rows FROM buffer_appends")
        .toArray();
      for (const a of appends) {
        const rows = (JSON.parse(a.rows) as Old[]).map(
          ([shop, id, product, quantity, price, at, day, refundOf, client, acceptedAt]) => [
            shop,
            id,
            at,
            day === "" ? new Date(at).toISOString().slice(0, 10) : day,
            refundOf,
            refundOf === null
              ? [[product, quantity, price, 0, 0, 0]]
              : [[1, product, quantity, quantity * price, 0]],
            0,
            client,
            acceptedAt,
          ],
        );
        sql.exec(
          "UPDATE buffer_appends SET rows = ? WHERE first_seq = ?",
          JSON.stringify(rows),
          a.first_seq,
        );
      }
    },
    "DROP VIEW buffer",
    `CREATE VIEW buffer AS
      SELECT a.first_seq + j.key AS seq, j.value ->> 0 AS shop_id, j.value ->> 1 AS sale_id,
        j.value ->> 2 AS sold_at, j.value ->> 3 AS business_day, j.value ->> 4 AS refund_of,
        j.value ->> 5 AS lines, j.value ->> 6 AS discount_minor, j.value ->> 7 AS client_id,
        j.value ->> 8 AS accepted_at
      FROM buffer_appends a, json_each(a.rows) j`,
    "ALTER TABLE refunded ADD COLUMN lines TEXT NOT NULL DEFAULT '[]'",
    "UPDATE refunded SET lines = json_array(quantity)",
  ],
];
