import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entry points run as a user runs them (`npm start`, `npm run chat`, …), watched from a test. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` appears in it (rejects on exit or after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exited: Promise<number>;
  /** Signals the whole process group (npm → sh → node) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Runs `cmd` in its own process group with stdout and stderr merged and kept. */
export function spawnWatched(cmd: string, args: string[], env: Record<string, string>, input?: string): Spawned {
  const child = spawn(cmd, args, {
    cwd: ROOT, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  if (input !== undefined) child.stdin!.end(input);
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  const waitFor = (pattern: RegExp, ms = 120_000) => new Promise<string>((resolve, reject) => {
    const check = () => {
      if (!pattern.test(out)) return;
      cleanup();
      resolve(out);
    };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out waiting for ${pattern}; output:\n${out.slice(-3000)}`)); }, ms);
    const cleanup = () => { clearTimeout(timer); waiters.delete(check); };
    waiters.add(check);
    void exited.then((code) => { if (waiters.has(check)) { cleanup(); reject(new Error(`exited ${code} before ${pattern}; output:\n${out.slice(-3000)}`)); } });
    check();
  });
  return {
    child,
    output: () => out,
    waitFor,
    exited,
    async stop(signal = 'SIGINT') {
      try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
      return exited;
    },
  };
}

/** `node --import tsx <script>` as `npm start` / the CLIs run it (without npm's own start-up). */
export function spawnScript(script: string, args: string[], env: Record<string, string>, input?: string): Spawned {
  return spawnWatched(process.execPath, ['--import', 'tsx', script, ...args], env, input);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A new temp dir the database user can enter (as root the embedded server runs as `postgres`). */
export function tempDataDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
