/**
 * A heavy-work thread: runs HEAVY_TASKS by name for the pool in the request
 * process (worker-pool.ts). It takes the lowest scheduling priority, so on a
 * busy machine the request thread and PostgreSQL are served first, and the
 * renders get what CPU is left.
 */
import os from 'node:os';
import { parentPort, threadId } from 'node:worker_threads';
import { HEAVY_TASKS, type HeavyTaskName } from './tasks.js';

interface Job { id: number; task: HeavyTaskName; input: string }

try {
  // 0 = this thread (Linux schedules threads, not processes); 19, the lowest: requests come first
  os.setPriority(0, 19);
} catch { /* not permitted here: run at normal priority */ }

parentPort!.on('message', async (job: Job) => {
  try {
    const run = HEAVY_TASKS[job.task] as (input: unknown) => unknown;
    if (!run) throw new Error(`unknown heavy task ${job.task}`);
    const value = await run(JSON.parse(job.input));
    if (value instanceof Uint8Array) {
      // a fresh buffer of its own, so it can be moved (not copied) to the request thread
      const bytes = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
      parentPort!.postMessage({ id: job.id, ok: true, bytes, threadId }, [bytes.buffer as ArrayBuffer]);
    } else {
      parentPort!.postMessage({ id: job.id, ok: true, value, threadId });
    }
  } catch (err) {
    parentPort!.postMessage({ id: job.id, ok: false, error: { message: (err as Error).message, stack: (err as Error).stack } });
  }
});
