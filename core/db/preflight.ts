import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, statfsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { diskFullLine, StartupError } from '../startup-error.js';

/**
 * Checks made before the embedded PostgreSQL is started, each failing with a
 * StartupError whose one line names the fix: what initdb or the postmaster
 * would otherwise report as a stack trace, or not at all (`undefined`).
 */

/** initdb writes ~40 MB and PostgreSQL wants room for WAL; less than this and it fails half-way. */
export const MIN_FREE_MB = { newCluster: 128, existingCluster: 32 };

/** DATA_DIR exists (created if missing) and is writable by this process. */
export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new StartupError('DISK_FULL', diskFullLine(dataDir), { cause: err });
    throw new StartupError('DATA_DIR_NOT_WRITABLE',
      `无法创建数据目录 ${dataDir}（${code ?? (err as Error).message}）：请设置 DATA_DIR 到当前用户可写的目录`, { cause: err });
  }
}

export function checkFreeSpace(dataDir: string, minMb: number): void {
  const s = statfsSync(dataDir);
  const freeMb = Math.floor((Number(s.bavail) * Number(s.bsize)) / 1024 / 1024);
  if (freeMb < minMb) throw new StartupError('DISK_FULL', diskFullLine(dataDir, freeMb));
}

/** Resolves when nothing listens on 127.0.0.1:port. */
export function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return resolve(); // not ours to judge: the server will say
      reject(new StartupError('PG_PORT_TAKEN', pgPortTakenLine(port), { cause: err }));
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export function pgPortTakenLine(port: number): string {
  return `内置 PostgreSQL 的端口 ${port} 已被其他程序占用（可能是另一个数据目录的动作流或本机的 PostgreSQL）：` +
    `请设置 EMBEDDED_PG_PORT=其他空闲端口（如 EMBEDDED_PG_PORT=${port + 1}）后重试`;
}

/** The uid and gid of the system user the embedded server runs as when we are root; null otherwise or when it does not exist yet. */
export function databaseUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * Asks the system itself, as that user (ACLs and supplementary groups count).
 * A shell that could not be started at all (EAGAIN under load, a signal) says
 * nothing about the directory: then the permission bits decide, rather than
 * refusing to start with a wrong line about "/".
 */
function canEnter(dir: string, user: { uid: number; gid: number }): boolean {
  const asked = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  if (asked.error === undefined && asked.status !== null) return asked.status === 0;
  const st = statSync(dir);
  return modeLetsEnter(st, user);
}

/** The search bit that applies to `user`: owner's, else group's, else others'. */
export function modeLetsEnter(st: { mode: number; uid: number; gid: number }, user: { uid: number; gid: number }): boolean {
  const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
  return (st.mode & bit) !== 0;
}

/**
 * As root the embedded server runs as `postgres`, which must be able to enter
 * every directory down to the cluster. DATA_DIR itself is ours: it gets search
 * permission for others (o+x: enter, not list), as `mktemp -d` leaves it 0700.
 * A parent above it (a project cloned under /root) is not ours to change: the
 * line says exactly which command would, or where else DATA_DIR could go.
 */
export function ensureReachableByDatabaseUser(dataDir: string, clusterDir: string, log: (msg: string) => void): void {
  const user = databaseUser();
  if (!user) return;
  const blocked = firstUnreachable(clusterDir, user);
  if (!blocked) return;
  const dataDirAbs = path.resolve(dataDir);
  if (blocked === dataDirAbs || blocked.startsWith(dataDirAbs + path.sep)) {
    chmodSync(blocked, statSync(blocked).mode | 0o001);
    log(`已为数据目录 ${blocked} 加上其他用户的进入权限（o+x），以便数据库用户 postgres 访问`);
    if (!firstUnreachable(clusterDir, user)) return;
  }
  throw unreachableError(firstUnreachable(clusterDir, user) ?? blocked);
}

/** The outermost existing directory on the way to `dir` that the user cannot enter. */
export function firstUnreachable(dir: string, user: { uid: number; gid: number }): string | null {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of ['', ...parts]) {
    current = part ? path.join(current, part) : current;
    if (!existsSync(current)) return null;
    if (!canEnter(current, user)) return current;
  }
  return null;
}

export function unreachableError(blocked: string): StartupError {
  const mode = existsSync(blocked) ? (statSync(blocked).mode & 0o777).toString(8).padStart(3, '0') : '?';
  return new StartupError('DATA_DIR_UNREACHABLE',
    `以 root 运行时内置 PostgreSQL 以系统用户 postgres 运行，但它无法进入目录 ${blocked}（权限 ${mode}）：` +
    `请执行 chmod o+x ${blocked}（只允许进入，不能列出内容），或把 DATA_DIR 设到 postgres 可进入的目录（如 DATA_DIR=/var/lib/actionflow）`);
}
