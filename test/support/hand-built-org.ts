import type pg from 'pg';
import { migrate } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { logger } from '../../core/logger.js';
import { installDefaults } from '../../core/seed/install.js';
import { emptyDatabase } from './database.js';

/**
 * An empty database with the template installed (no demo organisation), for
 * fixtures whose every row — and so every expected number — is written by hand.
 *
 *   const { pool, one, department } = await handBuiltOrg(NOW);
 *   const east = await department('华东区', await department('销售中心', null));
 */
export async function handBuiltOrg(now: Date, poolSize = 8): Promise<{
  pool: pg.Pool;
  /** Runs an INSERT … RETURNING id and gives the id. */
  one(sql: string, params: unknown[]): Promise<number>;
  /** A department under `parent` with its materialised path. */
  department(name: string, parent: number | null): Promise<number>;
}> {
  const { url } = await emptyDatabase();
  const pool = createPool(url, poolSize);
  await migrate(pool, logger);
  await installDefaults(pool, { seedDemo: false, now, logger });
  const one = async (sql: string, params: unknown[]) => Number((await pool.query(sql, params)).rows[0].id);
  const department = async (name: string, parent: number | null) => {
    const id = await one('INSERT INTO departments (name, parent_id) VALUES ($1, $2) RETURNING id', [name, parent]);
    await pool.query(`UPDATE departments SET path = COALESCE((SELECT path FROM departments WHERE id = $2), '/') || id || '/' WHERE id = $1`, [id, parent]);
    return id;
  };
  return { pool, one, department };
}
