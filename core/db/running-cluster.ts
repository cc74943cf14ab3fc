import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * A PostgreSQL server already running on a cluster directory, as its
 * postmaster.pid tells (pid, port, socket directory), and whether it is
 * orphaned: the process that started it is gone (a SIGKILLed `npm start`), so
 * nobody will ever stop it. A server whose parent lives belongs to another
 * process (`npm start`, a second part): CLIs join it and never stop it.
 *
 *   const running = runningCluster('./data/pg');
 *   if (running && !running.orphaned) connectTo(running.port);
 */
export interface RunningCluster {
  pid: number;
  port: number;
  /** The unix socket directory it listens on ('' when none). */
  socketDir: string;
  /** Its parent process: the one that started it (1 or gone when orphaned). */
  parentPid: number | null;
  orphaned: boolean;
}

export function runningCluster(clusterDir: string): RunningCluster | null {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  // lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const parentPid = parentOf(pid);
  return {
    pid,
    port: Number(lines[3]) || 0,
    socketDir: (lines[4] ?? '').trim(),
    parentPid,
    orphaned: parentPid === null || parentPid <= 1 || !isAlive(parentPid),
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user (the postgres user, when we are not root)
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent pid of `pid` (/proc on Linux, `ps` elsewhere); null when it cannot be told. */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || null;
    } catch {
      return null;
    }
  }
}

/** Asks a server to shut down (fast mode) and waits up to 30 s for it to go. */
export async function stopServer(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return !isAlive(pid);
  }
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}
