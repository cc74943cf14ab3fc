/**
 * What a heavy operation gets (api/route-kit.ts, `heavy: true`): admission by
 * per-user fair use, and `render(task, input)` — in a worker thread, once per
 * distinct input (the cache is keyed by the task and the input's hash).
 *
 *   const heavy = createHeavyRunner(config, logger);
 *   const release = await heavy.admit(actor.id, limits); // 429 HEAVY_RATE_LIMITED past the user's share (the 耗时操作限额 setting)
 *   const png = await heavy.render('obstacles.heatmap.png', heatmap);
 *   await heavy.close();
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { FairUse } from './fair-use.js';
import type { FairUseLimits } from './fair-use.setting.js';
import { RenderCache } from './render-cache.js';
import type { HeavyInput, HeavyOutput, HeavyTaskName } from './tasks.js';
import { WorkerPool } from './worker-pool.js';

export interface HeavyStats {
  /** Renders run (cache misses) and answers served from the cache or a render in flight. */
  renders: number;
  hits: number;
  /** The thread the last render ran on (0 would be the request thread). */
  lastThreadId: number | null;
}

export interface HeavyRunner {
  /** Resolves with the release once the member may start; past their share, rejects (429) after a pause. */
  admit(userId: number, limits: FairUseLimits): Promise<() => void>;
  render<T extends HeavyTaskName>(task: T, input: HeavyInput<T>): Promise<HeavyOutput<T>>;
  stats(): HeavyStats;
  close(): Promise<void>;
}

/** Refusals held back at once (each holds only a socket); more are answered at once. */
const MAX_PAUSED = 256;

export type HeavyConfig = Pick<Config, 'HEAVY_WORKERS' | 'HEAVY_CACHE_MB'>;

export function createHeavyRunner(config: HeavyConfig, logger: Logger): HeavyRunner {
  const fairUse = new FairUse();
  const pool = new WorkerPool({ size: config.HEAVY_WORKERS, maxQueued: 64, idleMs: 120_000, logger });
  const cache = new RenderCache<unknown>(config.HEAVY_CACHE_MB * 1024 * 1024);
  let lastThreadId: number | null = null;
  let pausing = 0;
  return {
    async admit(userId, limits) {
      try {
        return fairUse.admit(userId, limits);
      } catch (err) {
        // a refusal is answered after a pause of up to a second: a client looping on refusals then
        // asks about once a second per connection instead of flooding the request thread. Only so
        // many are held at once; past that they are answered straight away.
        const wait = (err as AppError).details as { retryAfterSeconds?: number } | undefined;
        if (pausing < MAX_PAUSED) {
          pausing++;
          await new Promise((r) => setTimeout(r, Math.min(1000, (wait?.retryAfterSeconds ?? 1) * 1000)));
          pausing--;
        }
        throw err;
      }
    },
    async render(task, input) {
      // serialised once: the text is both the cache key's source and what the worker parses
      const text = JSON.stringify(input);
      const key = createHash('sha256').update(task).update('\0').update(text).digest('base64url');
      return cache.getOrRender(key, async () => {
        const r = await pool.run(task, text);
        lastThreadId = r.threadId;
        return r.value;
      }) as Promise<HeavyOutput<typeof task>>;
    },
    stats: () => ({ renders: cache.renders, hits: cache.hits, lastThreadId }),
    close: () => pool.close(),
  };
}
