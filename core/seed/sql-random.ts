import type pg from 'pg';

/**
 * Deterministic pseudo-random SQL expressions. Every generated value is a
 * hash of (row number, seed, column salt), so the same seed gives the same
 * organisation whatever the batch size or the number of parallel connections.
 *
 *   `${pick('g', seed, 3, 4)}` → an integer in [0, 4) for row g
 */
const salt = (seed: number, k: number) => seed * 1000 + k;

/** Non-negative 31-bit hash of `expr` (any integer expression). */
export const hash = (expr: string, seed: number, k: number) =>
  `(hashint8extended((${expr})::bigint, ${salt(seed, k)}) & 2147483647)`;

/** Integer in [0, n). */
export const pick = (expr: string, seed: number, k: number, n: number | string) => `(${hash(expr, seed, k)} % (${n}))`;

/** Float in [0, 1). */
export const unit = (expr: string, seed: number, k: number) => `(${hash(expr, seed, k)}::float8 / 2147483648.0)`;

/** `n` days as an interval expression scaled by a [0,1) expression. */
export const days = (scaledBy: string, n: number) => `(${scaledBy} * interval '${n} days')`;

/**
 * Runs `insert(from, to)` over [1, total] in ranges of `batch`, on up to
 * `concurrency` pool connections at once. Returns the rows inserted.
 */
export async function runBatches(
  total: number,
  batch: number,
  concurrency: number,
  insert: (from: number, to: number) => Promise<number>,
): Promise<number> {
  let next = 1;
  let rows = 0;
  const worker = async () => {
    while (next <= total) {
      const from = next;
      const to = Math.min(total, from + batch - 1);
      next = to + 1;
      const n = await insert(from, to);
      rows += n; // not `rows += await …`: that reads `rows` before the await and loses the other worker's rows
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, Math.ceil(total / batch))) }, worker));
  return rows;
}

/** Runs one INSERT and returns its row count. */
export type Exec = (sql: string, params: unknown[]) => Promise<number>;

export interface BatchOpts { seed: number; now: Date; batch: number; concurrency: number; exec: Exec }
export interface IdRange { min: number; max: number; count: number }

/**
 * An Exec on the pool. `trusted` runs each statement with
 * session_replication_role = replica, which skips the per-row foreign-key
 * triggers (the way pg_restore --disable-triggers loads): the generator takes
 * every reference from rows it just read, and `findBrokenReferences` checks
 * them afterwards in one anti-join per foreign key.
 */
export function makeExec(pool: pg.Pool, trusted: boolean): Exec {
  if (!trusted) return async (sql, params) => (await pool.query(sql, params)).rowCount ?? 0;
  return async (sql, params) => {
    const client = await pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      return (await client.query(sql, params)).rowCount ?? 0;
    } finally {
      await client.query('RESET session_replication_role').catch(() => undefined);
      client.release();
    }
  };
}

/** Whether this role may skip triggers, and `table` has no user trigger on INSERT that skipping would lose. */
export async function canLoadTrusted(pool: pg.Pool, table: string): Promise<boolean> {
  const userInsertTriggers = Number((await pool.query(
    `SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal AND (tgtype & 4) <> 0`,
    [table])).rows[0].n);
  if (userInsertTriggers > 0) return false;
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query('RESET session_replication_role');
    return true;
  } catch {
    return false; // not a superuser (and SET not granted)
  } finally {
    client.release();
  }
}

/**
 * Rows in `tables` whose single-column foreign keys point nowhere, per
 * constraint; empty when the data is consistent.
 */
export async function findBrokenReferences(pool: pg.Pool, tables: string[]): Promise<Array<{ constraint: string; rows: number }>> {
  const fks = (await pool.query(
    `SELECT k.conname AS name, k.conrelid::regclass::text AS child, a.attname AS col,
            k.confrelid::regclass::text AS parent, pa.attname AS pcol
       FROM pg_constraint k
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
       JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
      WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND k.conrelid = ANY($1::regclass[])`, [tables])).rows;
  const broken = await Promise.all(fks.map(async (f) => {
    const r = await pool.query(
      `SELECT count(*)::int AS n FROM ${f.child} c WHERE c.${f.col} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ${f.parent} p WHERE p.${f.pcol} = c.${f.col})`);
    return { constraint: f.name as string, rows: r.rows[0].n as number };
  }));
  return broken.filter((b) => b.rows > 0);
}

/**
 * Bulk-load trick: when `table` is empty, its plain (non-unique, not
 * constraint-backed) indexes are dropped for the load and rebuilt after it —
 * a sort-based build is much faster than millions of random index inserts.
 * A table that already has rows keeps its indexes (someone may be using them).
 */
export async function withDeferredIndexes<T>(pool: pg.Pool, table: string, load: () => Promise<T>): Promise<T> {
  const empty = (await pool.query(`SELECT NOT EXISTS (SELECT 1 FROM ${table}) AS empty`)).rows[0].empty as boolean;
  const indexes: Array<{ name: string; def: string }> = empty ? (await pool.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = to_regclass($1) AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`, [table])).rows : [];
  if (indexes.length) await pool.query(`DROP INDEX ${indexes.map((i) => i.name).join(', ')}`);
  try {
    return await load();
  } finally {
    await Promise.all(indexes.map((i) => pool.query(i.def)));
  }
}
