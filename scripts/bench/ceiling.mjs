// The ceiling of the batch path on this machine: the same durable work as a shard and a flush,
// in raw SQLite (node:sqlite) with nothing else around it. Per 1 000 sales: the acknowledgement
// write to a buffer (its own commit, WAL + synchronous=FULL, as a shard's write is durable before
// the 202), then one transaction inserting them into a table with the same unique key and
// upserting the same three day rollups, then the buffer emptied. The files are kept between
// runs, so a second run continues where the first stopped (0 → 1 M, then 1 M → 2 M).
import { randomUUID } from "node:crypto";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; what the SDK sends. */
export function uuidv7(now = Date.now()) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(now / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function open(file) {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  return db;
}

/**
 * Ingests `total` sales 1 000 per commit; returns sales/s overall and for each tenth of the way.
 * `ids`: "v4" (random) or "v7" (time-ordered) client ids.
 */
export function runCeiling(dir, total, ids) {
  const shard = open(path.join(dir, "ceiling-shard.sqlite"));
  const d1 = open(path.join(dir, "ceiling-d1.sqlite"));
  shard.exec(`CREATE TABLE IF NOT EXISTS buffer (seq INTEGER PRIMARY KEY AUTOINCREMENT, shop_id INTEGER NOT NULL,
    sale_id TEXT NOT NULL, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL, sold_at INTEGER NOT NULL, business_day TEXT NOT NULL,
    UNIQUE (shop_id, sale_id))`);
  d1.exec(`CREATE TABLE IF NOT EXISTS sales (id INTEGER PRIMARY KEY, shop_id INTEGER NOT NULL, sale_id TEXT NOT NULL,
    product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,
    sold_at INTEGER NOT NULL, business_day TEXT NOT NULL, UNIQUE (shop_id, sale_id));
  CREATE TABLE IF NOT EXISTS shop_day (day TEXT, shop_id INTEGER, gross INTEGER, items INTEGER, n INTEGER,
    PRIMARY KEY (day, shop_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS product_day (day TEXT, product_id INTEGER, gross INTEGER, items INTEGER, n INTEGER,
    PRIMARY KEY (day, product_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS shop_product_day (day TEXT, shop_id INTEGER, product_id INTEGER, gross INTEGER,
    items INTEGER, n INTEGER, PRIMARY KEY (day, shop_id, product_id)) WITHOUT ROWID;`);
  const ack = shard.prepare(`INSERT INTO buffer (shop_id, sale_id, product_id, quantity,
    unit_price_minor, sold_at, business_day)
    SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6
    FROM json_each(?) RETURNING seq`);
  const read = shard.prepare("SELECT * FROM buffer WHERE seq <= ? ORDER BY seq");
  const empty = shard.prepare("DELETE FROM buffer WHERE seq <= ?");
  const insert = d1.prepare(`INSERT INTO sales (shop_id, sale_id, product_id, quantity,
    unit_price_minor, sold_at, business_day)
    SELECT value->>'shop_id', value->>'sale_id', value->>'product_id', value->>'quantity',
      value->>'unit_price_minor', value->>'sold_at', value->>'business_day'
    FROM json_each(?) WHERE true ON CONFLICT (shop_id, sale_id) DO NOTHING`);
  const rollup = (table, keys) =>
    d1.prepare(`INSERT INTO ${table} (day, ${keys}, gross, items, n)
      SELECT business_day, ${keys}, sum(quantity * unit_price_minor), sum(quantity), count(*)
      FROM sales WHERE id > ? GROUP BY business_day, ${keys} HAVING true
      ON CONFLICT DO UPDATE SET gross = gross + excluded.gross, items = items + excluded.items,
        n = n + excluded.n`);
  const rollups = [
    rollup("shop_day", "shop_id"),
    rollup("product_day", "product_id"),
    rollup("shop_product_day", "shop_id, product_id"),
  ];
  const lastId = d1.prepare("SELECT coalesce(max(id), 0) AS id FROM sales");
  const day = new Date().toISOString().slice(0, 10);
  const segments = [];
  const started = performance.now();
  let segmentStart = started;
  for (let done = 0; done < total; done += 1000) {
    const rows = Array.from({ length: 1000 }, (_, k) => {
      const i = done + k;
      return [
        1 + (i % 200),
        ids === "v7" ? uuidv7() : randomUUID(),
        1 + ((i * 7919) % 500),
        1 + (i % 5),
        1025,
        Date.now(),
        day,
      ];
    });
    const seqs = ack.all(JSON.stringify(rows));
    const last = seqs.at(-1).seq;
    const buffered = read.all(last);
    d1.exec("BEGIN");
    const before = lastId.get().id;
    insert.run(JSON.stringify(buffered));
    for (const r of rollups) r.run(before);
    d1.exec("COMMIT");
    empty.run(last);
    if ((done + 1000) % (total / 10) === 0) {
      const now = performance.now();
      segments.push(total / 10 / ((now - segmentStart) / 1000));
      segmentStart = now;
    }
  }
  const perSecond = total / ((performance.now() - started) / 1000);
  shard.close();
  d1.close();
  return { perSecond, segments };
}

// As a child process of the bench (node:sqlite's experimental warning stays on its stderr).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n, ids] = process.argv.slice(2);
  console.log(JSON.stringify(runCeiling(dir, Number(n), ids)));
}
