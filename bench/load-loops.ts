/**
 * The two ways a bench drives load. A closed loop (`concurrency` callers,
 * each sending again as soon as answered) finds the ceiling; an open loop
 * (sends on schedule whether or not earlier ones are done) measures what a
 * caller feels at a given rate, queueing included — latency counts from the
 * scheduled start, so a stall is not hidden by the sender waiting on it.
 *
 *   const at50 = await openLoop(50, 10, (i) => post(jobs[i]));   // 50/s for 1 s warm-up + 10 s
 */
import type pg from 'pg';

export interface LoadResult {
  p50: number;
  p99: number;
  max: number;
  perS: number;
  errors: number;
  /** Open loop: the slowest in the warm-up second (left out of p50/p99/max): pool connections opening, caches filling. */
  warmupMax?: number;
}

/**
 * Each open loop runs this long before it is measured, its slowest reported
 * apart: JIT, caches and new backends settle in the first second.
 */
export const WARMUP_S = 1;

export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Runs `task(i)` for i < n, `concurrency` at a time; per-task service time and overall rate. A rejected task counts as an error. */
export async function closedLoop(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const t = performance.now();
      await task(i).then(() => { latencies.push(performance.now() - t); }, () => { errors++; });
    }
  }));
  latencies.sort((a, b) => a - b);
  return { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN), perS: Math.round(n / ((performance.now() - t0) / 1000)), errors };
}

/** How many tasks an open loop at `rate` for `seconds` (after the warm-up) starts: task(i) is called for i below it. */
export function openLoopTasks(rate: number, seconds: number): number {
  return rate * (seconds + WARMUP_S);
}

/**
 * Fires `task(i)` every 1000/rate ms for WARMUP_S + `seconds`; latency counts
 * from the scheduled start. The warm-up second is reported apart. A rejected
 * task counts as an error.
 */
export async function openLoop(rate: number, seconds: number, task: (i: number) => Promise<unknown>): Promise<LoadResult> {
  const n = openLoopTasks(rate, seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let warmupMax = 0;
  let errors = 0;
  const t0 = performance.now();
  const measuredFrom = t0 + WARMUP_S * 1000;
  const running: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    running.push(task(i).then(() => {
      const latency = performance.now() - due;
      if (due < measuredFrom) warmupMax = Math.max(warmupMax, latency);
      else latencies.push(latency);
    }, () => { errors++; }));
  }
  await Promise.all(running);
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN),
    perS: Math.round(n / elapsed), errors, warmupMax: round(warmupMax),
  };
}

/**
 * Opens all the pool's connections, as steady traffic keeps them open: the
 * phase before may have left the pool idle long enough (pg-pool closes idle
 * connections after 10 s) that the next would otherwise measure reopening
 * them — fork, authentication and cold caches — one burst at a time.
 */
export async function warmPool(pool: pg.Pool): Promise<void> {
  const clients = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => pool.connect()));
  await Promise.all(clients.map((c) => c.query('SELECT 1')));
  for (const c of clients) c.release();
}
