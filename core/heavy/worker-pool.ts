/**
 * Worker threads for heavy renders, off the request thread. Started on first
 * use, at most `size` of them; jobs beyond them queue, and past `maxQueued` a
 * job is refused (503 HEAVY_BUSY) instead of growing the queue without bound.
 * Idle workers exit after `idleMs`; workers never keep the process alive. A
 * worker that dies fails only its own job and is replaced by the next one.
 *
 *   const pool = new WorkerPool({ size: 1, maxQueued: 32, idleMs: 60_000, logger });
 *   const { value, threadId } = await pool.run('obstacles.heatmap.png', JSON.stringify(heatmap));
 *   await pool.close();
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HeavyTaskName } from './tasks.js';

const ENTRY = new URL('./heavy-worker.mjs', import.meta.url);

export interface PoolResult { value: unknown; threadId: number }

interface Job {
  id: number;
  task: HeavyTaskName;
  input: string;
  resolve: (r: PoolResult) => void;
  reject: (err: unknown) => void;
}

interface Slot { worker: Worker; job: Job | null; idle: NodeJS.Timeout | null }

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private seq = 0;
  private closed = false;

  constructor(private opts: { size: number; maxQueued: number; idleMs: number; logger: Logger }) {}

  /** Runs `task` on `input` (JSON text) in a worker; Uint8Array results arrive as Buffers. */
  run(task: HeavyTaskName, input: string): Promise<PoolResult> {
    if (this.closed) return Promise.reject(new AppError('HEAVY_BUSY', { reason: 'closed' }));
    if (this.queue.length >= this.opts.maxQueued) return Promise.reject(new AppError('HEAVY_BUSY', { queued: this.queue.length, retryAfterSeconds: 5 }));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.seq, task, input, resolve, reject });
      this.dispatch();
    });
  }

  /** Jobs waiting for a worker (not counting those running). */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new AppError('HEAVY_BUSY', { reason: 'closed' }));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.opts.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = null;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, task: job.task, input: job.input });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, { execArgv: [] });
    worker.unref();
    const slot: Slot = { worker, job: null, idle: null };
    worker.on('message', (m: { id: number; ok: boolean; value?: unknown; bytes?: Uint8Array; threadId?: number; error?: { message: string; stack?: string } }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = null;
      if (m.ok) job.resolve({ value: m.bytes ? Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) : m.value, threadId: m.threadId ?? -1 });
      else {
        this.opts.logger.error({ task: job.task, err: m.error }, 'heavy task failed');
        job.reject(new AppError('INTERNAL', { task: job.task }));
      }
      slot.idle = setTimeout(() => this.retire(slot), this.opts.idleMs).unref();
      this.dispatch();
    });
    const lost = (why: unknown) => {
      this.slots = this.slots.filter((s) => s !== slot);
      if (slot.idle) clearTimeout(slot.idle);
      if (slot.job) {
        this.opts.logger.error({ task: slot.job.task, err: why }, 'heavy worker died');
        slot.job.reject(new AppError('INTERNAL', { task: slot.job.task }));
        slot.job = null;
      }
      if (!this.closed) this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`worker exited with ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private retire(slot: Slot): void {
    if (slot.job) return;
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
  }
}
