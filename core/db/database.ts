import os from 'node:os';
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
  /** The interactive pool: API requests (and whatever part runs alone in this process). */
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  /** Set when the embedded server belongs to another process (a running `npm start`) that this one joined. */
  joined: { pid: number; port: number } | null;
  /**
   * A pool of its own for a background part sharing the process (the bot's turns, the
   * jobs): their long-held connections never make an API request queue. Closed with the database.
   */
  openPool(purpose: string, max: number): pg.Pool;
  close(): Promise<void>;
}

/**
 * Connections that do work at once: about two per core. More only queue inside PostgreSQL —
 * on 2 cores, 20 connections filed a quarter fewer visit reports per second than 4
 * (bench/visit-submit.bench.ts), each report costing PostgreSQL more CPU in contention.
 */
export function defaultPoolSize(): number {
  return Math.max(4, 2 * os.availableParallelism());
}

export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'> & Partial<Pick<Config, 'DB_POOL_SIZE'>>,
  logger: Logger,
  opts: { database?: string; poolSize?: number } = {},
): Promise<Database> {
  let server: EmbeddedServer | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    // joins the server another process runs on this DATA_DIR, if any (a CLI beside `npm start`)
    server = await startEmbeddedPostgres({ dataDir: path.resolve(config.DATA_DIR), port: config.EMBEDDED_PG_PORT, logger });
    const name = opts.database ?? 'actionflow';
    await server.ensureDatabase(name);
    url = server.url(name);
  }
  try {
    return await databaseAt(url, { poolSize: opts.poolSize ?? config.DB_POOL_SIZE ?? defaultPoolSize(), logger, server, embedded: server !== null });
  } catch (err) {
    await server?.stop();
    throw err;
  }
}

/**
 * The database at `url`, migrated before it is handed out: one `openDatabase` found or
 * started (`server`, stopped on close), or the embedded server another process runs.
 */
export async function databaseAt(
  url: string, opts: { poolSize: number; logger: Logger; embedded: boolean; server?: EmbeddedServer | null },
): Promise<Database> {
  const { logger, server = null } = opts;
  // the process's pools keep idle connections for a minute (createPool)
  const pool = createPool(url, opts.poolSize, 60_000);
  try {
    await migrate(pool, logger);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const others: pg.Pool[] = [];
  return {
    pool,
    url,
    embedded: opts.embedded,
    joined: server?.joined ?? null,
    openPool(purpose, max) {
      const p = createPool(url, max, 60_000, `actionflow-${purpose}`);
      others.push(p);
      return p;
    },
    async close() {
      for (const p of others) await p.end();
      await pool.end();
      await server?.stop();
    },
  };
}
