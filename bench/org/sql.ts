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
      rows += await insert(from, to);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, Math.ceil(total / batch))) }, worker));
  return rows;
}

export async function rowCount(pool: pg.Pool, sql: string, params: unknown[]): Promise<number> {
  const r = await pool.query(sql, params);
  return r.rowCount ?? 0;
}
