import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../errors.js';
import { translatePgError } from '../db/pool.js';
import type { Sql } from '../db/sql.js';

/**
 * Runs a create exactly once per (user, Idempotency-Key). The key row is
 * inserted in the same transaction as the work, so the unique index itself
 * serialises concurrent retries: the second one waits for the first to commit,
 * then replays its stored response. A failed first attempt rolls back its key,
 * so the client may retry with corrected input.
 */
export async function runIdempotent(
  pool: pg.Pool,
  k: IdempotencyRequest,
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

export interface IdempotencyRequest { userId: number; key: string; operation: string; requestHash: string }

interface StoredKey { operation: string; request_hash: string; status: string; http_status: number | null; response: unknown }

async function replay(client: pg.PoolClient, k: IdempotencyRequest): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const stored = await findStoredResponse(client, k);
  if (!stored) throw new AppError('IDEMPOTENCY_IN_PROGRESS');
  return { ...stored, replayed: true };
}

export async function findStoredResponse(db: pg.Pool | pg.PoolClient, k: IdempotencyRequest): Promise<{ status: number; body: unknown } | null> {
  const { rows } = await db.query(
    'SELECT operation, request_hash, status, http_status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2',
    [k.userId, k.key],
  );
  return storedResponse(rows[0] ?? null, k);
}

/**
 * The response stored for the key (null: none yet, or still in progress);
 * refuses the key reused for another operation or another body.
 */
export function storedResponse(row: StoredKey | null | undefined, k: IdempotencyRequest): { status: number; body: unknown } | null {
  if (!row?.status || row.status !== 'done') return null;
  if (row.operation !== k.operation || row.request_hash !== k.requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', { operation: row.operation });
  }
  return { status: row.http_status!, body: row.response };
}

/**
 * For work done in ONE statement without a transaction around it: the key's
 * row, stored as done with its response, is a part of that statement. A
 * concurrent retry's own write then finds the work's row changed and fails
 * whole; it replays what this stored.
 */
export function storeResponseCte(st: Sql, k: IdempotencyRequest, httpStatus: number, response: unknown): void {
  st.with('idem', `INSERT INTO idempotency_keys (user_id, key, operation, request_hash, status, http_status, response)
    VALUES (${st.param(k.userId)}, ${st.param(k.key)}, ${st.param(k.operation)}, ${st.param(k.requestHash)}, 'done', ${st.param(httpStatus)},
            ${st.param(JSON.stringify(response))})
    ON CONFLICT (user_id, key) DO NOTHING`);
}

/** The key's row as storedResponse reads it, for a statement that reads the work's rows anyway. */
export function storedKeyJoin(st: Sql, k: IdempotencyRequest): { join: string; columns: string } {
  return {
    join: `LEFT JOIN idempotency_keys idem_k ON idem_k.user_id = ${st.param(k.userId)} AND idem_k.key = ${st.param(k.key)}`,
    columns: 'to_jsonb(idem_k) AS idem_key',
  };
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
