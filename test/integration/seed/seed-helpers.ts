import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { LocalDiskStorage } from '../../../core/attachments/storage.js';
import { loadConfig } from '../../../core/config.js';
import { migrate } from '../../../core/db/migrate.js';
import { createPool } from '../../../core/db/pool.js';
import { logger } from '../../../core/logger.js';
import { generateDemoHistory, type DemoHistoryResult } from '../../../core/seed/demo-history.js';
import { installDefaults } from '../../../core/seed/install.js';
import { emptyDatabase } from '../../support/database.js';

/** A Wednesday mid-month, 10:30 in Shanghai: both months shown have a past. */
export const FIXED_NOW = new Date('2026-11-18T10:30:00+08:00');

export interface GeneratedDemo {
  pool: pg.Pool;
  url: string;
  storage: LocalDiskStorage;
  now: Date;
  result: DemoHistoryResult;
}

// every generation writes ~16 MB of evidence files: left behind, one day of runs kept 13 GB of them and the disk filled under the queue
const dataDirs: string[] = [];
process.on('exit', () => { for (const d of dataDirs) rmSync(d, { recursive: true, force: true }); });

/** A new database with the template and the demo organisation installed as of `now`, then its history generated. */
export async function generateDemo(now: Date, seed?: number): Promise<GeneratedDemo> {
  const { url } = await emptyDatabase();
  const pool = createPool(url, 6);
  await migrate(pool, logger);
  await installDefaults(pool, { seedDemo: true, now, logger });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'af-demo-'));
  dataDirs.push(dataDir);
  const storage = new LocalDiskStorage(path.join(dataDir, 'files'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, SESSION_SECRET: 'seed-secret-0123456789abcdef' });
  const result = await generateDemoHistory(pool, { now, seed, storage, system: { config, logger } });
  return { pool, url, storage, now, result };
}

let shared: Promise<GeneratedDemo> | null = null;

/** The demo history at FIXED_NOW, generated once per test run and shared by the invariant suites (read-only). */
export function demoAtFixedNow(): Promise<GeneratedDemo> {
  shared ??= generateDemo(FIXED_NOW);
  return shared;
}
