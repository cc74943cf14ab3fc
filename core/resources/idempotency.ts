import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../errors.js';
import { translatePgError } from '../db/pool.js';

/**
 * Runs a create exactly once per (user, Idempotency-Key). The key row is
 * inserted in the same transaction as the work, so the unique index itself
 * serialises concurrent retries: the second one waits for the first to commit,
 * then replays its stored response. A failed first attempt rolls back its key,
 * so the client may retry with corrected input.
 */
export async function runIdempotent(
  pool: pg.Pool,
  k: { userId: number; key: string; operation: string; requestHash: string },
  work: (tx: pg.PoolClient) => Promise<{ status: number; body: unknown }>,
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const ins = await client.query(
      `INSERT INTO idempotency_keys (user_id, key, operation, request_hash) VALUES ($1,$2,$3,$4)
       ON CONFLICT (user_id, key) DO NOTHING`,
      [k.userId, k.key, k.operation, k.requestHash],
    );
    if (ins.rowCount === 0) {
      await client.query('ROLLBACK');
      return replay(client, k);
    }
    const result = await work(client);
    await client.query(
      `UPDATE idempotency_keys SET status = 'done', http_status = $3, response = $4 WHERE user_id = $1 AND key = $2`,
      [k.userId, k.key, result.status, JSON.stringify(result.body ?? null)],
    );
    await client.query('COMMIT');
    return { ...result, replayed: false };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePgError(err);
  } finally {
    client.release();
  }
}

async function replay(
  client: pg.PoolClient,
  k: { userId: number; key: string; operation: string; requestHash: string },
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const { rows } = await client.query(
    'SELECT operation, request_hash, status, http_status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2',
    [k.userId, k.key],
  );
  const row = rows[0];
  if (!row || row.status !== 'done') throw new AppError('IDEMPOTENCY_IN_PROGRESS');
  if (row.operation !== k.operation || row.request_hash !== k.requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', { operation: row.operation });
  }
  return { status: row.http_status, body: row.response, replayed: true };
}

export function requestHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((key) => `${JSON.stringify(key)}:${stableStringify(o[key])}`).join(',')}}`;
}
