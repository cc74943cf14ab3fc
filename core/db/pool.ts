import { createHash } from 'node:crypto';
import pg from 'pg';
import { AppError } from '../errors.js';

/**
 * All SQL goes through here: `query` for single statements, `withTransaction`
 * for units of work. Repos receive a `Db` (pool or transaction client) so the
 * same function works inside and outside a transaction.
 */
export type Db = pg.Pool | pg.PoolClient;

// int8 (bigint ids, counts) as JS numbers: our ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (money, coordinates) as numbers.
pg.types.setTypeParser(1700, (v) => Number(v));
// date as its 'YYYY-MM-DD' text: calendar days must not shift with the process TZ.
pg.types.setTypeParser(1082, (v) => v);

/** A pool outlives the request; a transaction's client does not (nothing may be read through it later, or cached per it). */
export const isPool = (db: Db): db is pg.Pool => db instanceof pg.Pool;

const statementNames = new Map<string, string>();

/**
 * A statement on a request's hot path, named after its text so each
 * connection parses it once and PostgreSQL reuses its plan: planning was a
 * third of the database's CPU per visit report. Only for fixed-shape
 * statements (the names are kept per text), and they must list their
 * columns: a prepared `SELECT *` fails once a migration adds one. PostgreSQL
 * keeps re-planning a statement whose generic plan it costs above its custom
 * ones — a CASE or branch that a parameter value would fold away — so such
 * statements come in one shape per branch instead.
 *
 *   await db.query(prepared('SELECT name FROM users WHERE id = $1', [id]));
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    name = `af_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/**
 * `idleMs`: how long an unused connection stays open (pg-pool's default 10 s). A process's
 * long-lived pool keeps them longer (database.ts): reopening one costs PostgreSQL a fork,
 * authentication and cold caches, and several reopened together under load stalled every
 * request for ~0.5 s in the bot bench once a burst's extras had closed.
 */
export function createPool(connectionString: string, max = 10, idleMs = 10_000, applicationName = 'actionflow'): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: applicationName, idleTimeoutMillis: idleMs });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  opts: { asyncCommit?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    // asyncCommit: the commit does not wait for the WAL flush — only for work
    // that is safe to redo after a crash (BEGIN and the setting in one round trip)
    await client.query(opts.asyncCommit ? 'BEGIN; SET LOCAL synchronous_commit TO off' : 'BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePgError(err);
  } finally {
    client.release();
  }
}

/** pg's SQLSTATE codes that mean "your input", mapped to domain codes. */
export function translatePgError(err: unknown): unknown {
  if (!(err instanceof Error) || !('code' in err)) return err;
  const e = err as pg.DatabaseError;
  switch (e.code) {
    case '23505':
      return new AppError('DUPLICATE', { constraint: e.constraint });
    case '23503':
      return new AppError('REFERENCE_INVALID', { constraint: e.constraint });
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', { sqlstate: e.code });
    default:
      return err;
  }
}
