import { spawn } from 'node:child_process';
import { renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../core/db/embedded.js';
import { migrate } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { logger } from '../../core/logger.js';
import { installDefaults } from '../../core/seed/install.js';

/**
 * Tests run against a real PostgreSQL: the embedded server (a cluster kept
 * under the OS temp dir between runs) or the one at DATABASE_URL. One template
 * database is migrated and seeded per run; each suite clones it
 * (`CREATE DATABASE … TEMPLATE`), so suites never see each other's writes.
 */
let server: EmbeddedServer | null = null;
let adminUrl = '';
let templateName = '';
let dataDir: string | null = null;
const created: string[] = [];
const pools: pg.Pool[] = [];

export const TEST_SEED_NOW = new Date();

export async function startTestDatabase(): Promise<void> {
  const external = process.env.DATABASE_URL;
  if (external) {
    adminUrl = external;
  } else {
    // one cluster per test process: parallel runs (and CI next to a developer) never share one
    dataDir = path.join(os.tmpdir(), `actionflow-test-pg-${process.pid}`);
    server = await startEmbeddedPostgres({ dataDir, port: 55000 + (process.pid % 5000), logger });
    adminUrl = server.url('postgres');
  }
  templateName = `af_tpl_${process.pid}`;
  await admin(`DROP DATABASE IF EXISTS ${templateName}`);
  await admin(`CREATE DATABASE ${templateName}`);
  const pool = createPool(urlFor(templateName), 4);
  try {
    await migrate(pool, logger);
    await installDefaults(pool, { seedDemo: true, now: TEST_SEED_NOW, logger });
  } finally {
    await pool.end();
  }
}

/** A pool on a new database cloned from the seeded template. */
export async function freshDatabase(poolSize = 10): Promise<{ pool: pg.Pool; url: string; name: string }> {
  const name = `af_t_${process.pid}_${created.length}`;
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
  created.push(name);
  const url = urlFor(name);
  const pool = createPool(url, poolSize);
  pools.push(pool);
  return { pool, url, name };
}

/** An empty database with no migrations (for migration and start-up tests). */
export async function emptyDatabase(): Promise<{ url: string; name: string }> {
  const name = `af_e_${process.pid}_${created.length}`;
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  created.push(name);
  return { url: urlFor(name), name };
}

export async function stopTestDatabase(): Promise<void> {
  // a suite that leaked a checked-out client would make pool.end() wait forever
  const ended = Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await Promise.race([ended, new Promise((r) => setTimeout(r, 5_000))]);
  if (server) {
    // the whole cluster goes, so there is nothing to drop one by one and no
    // shutdown checkpoint worth waiting for
    await server.discard();
    if (dataDir) removeInBackground(dataDir);
    return;
  }
  for (const name of [...created, templateName]) {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  }
}

/**
 * The cluster holds every database the suites cloned (gigabytes on a long run): removing it inline
 * outlasted the root hook's timeout on a busy disk, so it is moved aside and removed by a detached rm.
 */
function removeInBackground(dir: string): void {
  const trash = `${dir}.removing`;
  try {
    renameSync(dir, trash);
  } catch {
    return;
  }
  spawn('rm', ['-rf', trash], { detached: true, stdio: 'ignore' }).unref();
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
