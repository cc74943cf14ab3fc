/**
 * The parent side of the OCR worker: forks core/profile/licence/ocr-worker.ts
 * on the first job, feeds it one job at a time, restarts it after a crash or
 * a job that overran, and lets it go after a while idle (it holds ~1 GB).
 * When the models cannot load, every job answers `unavailable` at once — the
 * upload itself still stands.
 *
 *   const reader = new OcrWorkerReader({ logger });
 *   const out = await reader.read(jpegBytes, 'image/jpeg');
 *   if ('unavailable' in out) …
 *   await reader.close();
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../logger.js';
import type { ReadResult } from './read-licence.js';

export type ReaderOutcome = ReadResult | { unavailable: string };

/** How a licence file gets read: the worker process in production, the same in tests. */
export interface LicenceReader {
  read(bytes: Buffer, mime: string): Promise<ReaderOutcome>;
  close(): Promise<void>;
}

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), `ocr-worker${path.extname(fileURLToPath(import.meta.url))}`);

export interface WorkerOptions {
  logger: Logger;
  /** A job still running after this is abandoned and the worker restarted. */
  timeoutMs?: number;
  /** The worker exits after this long without work. */
  idleMs?: number;
  /** Extra environment for the worker (OCR_MODELS_DIR for a test of a missing model). */
  env?: Record<string, string>;
}

export class OcrWorkerReader implements LicenceReader {
  private child: ChildProcess | null = null;
  private ready: Promise<string | null> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idle: NodeJS.Timeout | null = null;
  private seq = 0;

  constructor(private readonly o: WorkerOptions) {}

  /** One at a time: each job waits for the one before it. */
  read(bytes: Buffer, mime: string): Promise<ReaderOutcome> {
    const next = this.queue.then(() => this.run(bytes, mime));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(bytes: Buffer, mime: string): Promise<ReaderOutcome> {
    if (this.idle) clearTimeout(this.idle);
    const unavailable = await this.start();
    if (unavailable !== null) {
      this.stop();
      return { unavailable };
    }
    const child = this.child!;
    const id = ++this.seq;
    try {
      return await new Promise<ReaderOutcome>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('OCR_TIMEOUT')), this.o.timeoutMs ?? 60_000);
        const onMessage = (m: any) => {
          if (m?.id !== id) return;
          cleanup();
          if (m.error) reject(new Error(m.error)); else resolve(m.result as ReadResult);
        };
        const onExit = () => { cleanup(); reject(new Error('OCR_WORKER_EXITED')); };
        const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
        child.on('message', onMessage);
        child.on('exit', onExit);
        child.send({ id, bytes, mime });
      });
    } catch (err) {
      // a crashed or stuck worker is replaced on the next job
      this.o.logger.warn({ err, size: bytes.length, mime }, 'licence OCR job failed; restarting the worker');
      this.stop();
      throw err;
    } finally {
      this.idle = setTimeout(() => this.stop(), this.o.idleMs ?? 5 * 60_000);
      this.idle.unref();
    }
  }

  /** Forks the worker once; resolves null when its models loaded, else why not. */
  private start(): Promise<string | null> {
    if (this.ready) return this.ready;
    // 'advanced' serialisation passes the file's bytes as bytes, not as JSON numbers
    const child = fork(WORKER, [], { env: { ...process.env, ...this.o.env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    this.child = child;
    this.ready = new Promise((resolve) => {
      const onMessage = (m: any) => {
        if (m?.ready) { child.off('message', onMessage); resolve(null); }
        if (m?.unavailable) { child.off('message', onMessage); resolve(String(m.unavailable)); }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => resolve(`识别进程退出（${code}）`));
      child.once('error', (err) => resolve(err.message));
    });
    child.once('exit', () => { if (this.child === child) { this.child = null; this.ready = null; } });
    return this.ready;
  }

  private stop(): void {
    const child = this.child;
    this.child = null;
    this.ready = null;
    if (child && child.exitCode === null) child.kill();
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const child = this.child;
    this.stop();
    if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}
