/**
 * Per-user fair use of heavy operations: each member may run `atOnce` at a
 * time and `perMinute` a minute (a token bucket: the minute's allowance may be
 * spent in a burst, and comes back evenly). Past either, 429
 * HEAVY_RATE_LIMITED with the seconds to wait; nobody else is slowed.
 *
 *   const release = fairUse.admit(actor.id);   // throws AppError('HEAVY_RATE_LIMITED')
 *   try { … } finally { release(); }
 */
import { AppError } from '../errors.js';

interface Bucket { tokens: number; at: number; running: number }

export class FairUse {
  private buckets = new Map<number, Bucket>();

  constructor(private limits: { perMinute: number; atOnce: number }, private now: () => number = Date.now) {}

  admit(userId: number): () => void {
    const t = this.now();
    const b = this.buckets.get(userId) ?? { tokens: this.limits.perMinute, at: t, running: 0 };
    b.tokens = Math.min(this.limits.perMinute, b.tokens + ((t - b.at) / 60_000) * this.limits.perMinute);
    b.at = t;
    if (b.running >= this.limits.atOnce) throw this.refusal(1, 'at_once');
    if (b.tokens < 1) throw this.refusal(Math.ceil(((1 - b.tokens) * 60) / this.limits.perMinute), 'per_minute');
    b.tokens -= 1;
    b.running++;
    this.buckets.set(userId, b);
    let released = false;
    if (this.buckets.size > 1000) this.prune(t);
    return () => {
      if (released) return;
      released = true;
      b.running--;
    };
  }

  /** A full, idle bucket is the same as none: forgotten, so the map stays small. */
  private prune(t: number): void {
    for (const [id, b] of this.buckets) {
      if (b.running === 0 && b.tokens + ((t - b.at) / 60_000) * this.limits.perMinute >= this.limits.perMinute) this.buckets.delete(id);
    }
  }

  private refusal(retryAfterSeconds: number, limit: 'at_once' | 'per_minute'): AppError {
    const { perMinute, atOnce } = this.limits;
    return new AppError('HEAVY_RATE_LIMITED', { retryAfterSeconds, limit, perMinute, atOnce },
      limit === 'at_once'
        ? `导出和图片等耗时操作每人同时最多 ${atOnce} 个，请等前面的完成后再试`
        : `导出和图片等耗时操作每人每分钟最多 ${perMinute} 次，请 ${retryAfterSeconds} 秒后再试`);
  }
}
