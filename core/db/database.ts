import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { migrate } from './migrate.js';
import { createPool } from './pool.js';

/**
 * The database every process uses: the external server at DATABASE_URL, or the
 * embedded PostgreSQL under DATA_DIR. Migrations run before it is handed out.
 *
 *   const db = await openDatabase(config, logger); … await db.close();
 */
export interface Database {
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'>,
  logger: Logger,
  opts: { database?: string; poolSize?: number } = {},
): Promise<Database> {
  let server: EmbeddedServer | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    server = await startEmbeddedPostgres({ dataDir: path.resolve(config.DATA_DIR), port: config.EMBEDDED_PG_PORT, logger });
    const name = opts.database ?? 'actionflow';
    await server.ensureDatabase(name);
    url = server.url(name);
  }
  // the process's one pool: its idle connections are kept for a minute (createPool)
  const pool = createPool(url, opts.poolSize ?? 20, 60_000);
  try {
    await migrate(pool, logger);
  } catch (err) {
    await pool.end();
    await server?.stop();
    throw err;
  }
  return {
    pool,
    url,
    embedded: server !== null,
    async close() {
      await pool.end();
      await server?.stop();
    },
  };
}
