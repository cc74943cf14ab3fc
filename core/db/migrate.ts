import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Logger } from '../logger.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same in every process sharing the database.
const MIGRATION_LOCK = 7_100_001;

/**
 * Applies `core/db/migrations/NNN_name.sql` in order, each in its own
 * transaction, recording them in `schema_migrations`. Several processes may
 * start at once: an advisory lock makes them take turns.
 */
export async function migrate(pool: pg.Pool, logger: Logger, opts: { before?: string } = {}): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
      if (done.has(file)) continue;
      // a data-migration test stops before the migration it tests, writes rows the old way, then goes on
      if (opts.before && file >= opts.before) break;
      const sql = readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations(name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`迁移 ${file} 失败: ${(err as Error).message}`);
      }
      applied.push(file);
      logger.debug({ migration: file }, 'migration applied');
    }
    // one line for the start log, however many ran
    if (applied.length) logger.info({ migrations: applied }, `数据库结构已更新：${applied.length} 个迁移（至 ${applied.at(-1)}）`);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
