/**
 * Per-user fair use of heavy operations: each member may run `atOnce` at a
 * time and `perMinute` a minute (a token bucket: the minute's allowance may be
 * spent in a burst, and comes back evenly). Past either, 429
 * HEAVY_RATE_LIMITED with the seconds to wait; nobody else is slowed. The
 * limits are the setting 耗时操作限额 (fair-use.setting.ts), read per request.
 *
 *   const release = fairUse.admit(actor.id, limits);   // throws AppError('HEAVY_RATE_LIMITED')
 *   try { … } finally { release(); }
 */
import { AppError } from '../errors.js';
import type { FairUseLimits } from './fair-use.setting.js';

interface Bucket { tokens: number; at: number; running: number }

export class FairUse {
  private buckets = new Map<number, Bucket>();

  constructor(private now: () => number = Date.now) {}

  admit(userId: number, limits: FairUseLimits): () => void {
    const t = this.now();
    const b = this.buckets.get(userId) ?? { tokens: limits.perMinute, at: t, running: 0 };
    b.tokens = Math.min(limits.perMinute, b.tokens + ((t - b.at) / 60_000) * limits.perMinute);
    b.at = t;
    if (b.running >= limits.atOnce) throw refusal(limits, 1, 'at_once');
    if (b.tokens < 1) throw refusal(limits, Math.ceil(((1 - b.tokens) * 60) / limits.perMinute), 'per_minute');
    b.tokens -= 1;
    b.running++;
    this.buckets.set(userId, b);
    let released = false;
    if (this.buckets.size > 1000) this.prune(t, limits.perMinute);
    return () => {
      if (released) return;
      released = true;
      b.running--;
    };
  }

  /** A full, idle bucket is the same as none: forgotten, so the map stays small. */
  private prune(t: number, perMinute: number): void {
    for (const [id, b] of this.buckets) {
      if (b.running === 0 && b.tokens + ((t - b.at) / 60_000) * perMinute >= perMinute) this.buckets.delete(id);
    }
  }
}

function refusal({ perMinute, atOnce }: FairUseLimits, retryAfterSeconds: number, limit: 'at_once' | 'per_minute'): AppError {
  return new AppError('HEAVY_RATE_LIMITED', { retryAfterSeconds, limit, perMinute, atOnce },
    limit === 'at_once'
      ? `导出和图片等耗时操作每人同时最多 ${atOnce} 个，请等前面的完成后再试`
      : `导出和图片等耗时操作每人每分钟最多 ${perMinute} 次，请 ${retryAfterSeconds} 秒后再试`);
}
