/**
 * The one ffmpeg this system runs: the static build shipped inside the npm
 * package @ffmpeg-installer/ffmpeg (never a system ffmpeg), loaded on first
 * use so a process that never touches audio never resolves it. Runs are
 * queued, at most one per core, each with a time limit, so a burst of voice
 * uploads cannot starve the API of CPU nor leave a stuck decoder behind.
 *
 *   const out = await runFfmpeg(['-i', input, '-f', 's16le', 'pipe:1']);
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

let binary: Promise<string> | null = null;

/** Path of the packaged ffmpeg; rejects on a platform the package does not ship. */
export function ffmpegPath(): Promise<string> {
  binary ??= import('@ffmpeg-installer/ffmpeg').then((m) => (m.default ?? m).path);
  return binary;
}

const MAX_RUNNING = Math.max(1, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export class FfmpegError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = 'FfmpegError';
  }
}

export interface FfmpegOptions {
  /** Killed after this long (default 60 s: ten minutes of audio decode in ~2 s here). */
  timeoutMs?: number;
}

/** Runs ffmpeg with `args` (banner and logs quiet); resolves with what it wrote to stdout. */
export function runFfmpeg(args: string[], opts: FfmpegOptions = {}): Promise<Buffer> {
  return slot(async () => {
    const bin = await ffmpegPath();
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn(bin, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => { if (err.length < 4000) err += c.toString(); });
      child.on('error', (e) => { clearTimeout(timer); reject(e); });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new FfmpegError(signal ? `ffmpeg stopped by ${signal}` : `ffmpeg exited with ${code}`, err.trim()));
      });
    });
  });
}
