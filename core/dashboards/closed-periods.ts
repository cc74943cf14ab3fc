/**
 * Figures of a period that has ended change only through backdated edits, yet
 * every overview recomputes the previous period beside the current one (for
 * the trend) — half of its work — and last month is what managers reread most.
 * They are kept here for a few minutes, per database, caller and query; a
 * backdated edit shows within that time.
 *
 *   const figure = await closedPeriodFigure(ctx.db, key, period, now, () => computeNow(ctx, metric, period, opts));
 */
import { isPool, type Db } from '../db/pool.js';
import { shanghaiDate } from '../flow/time.js';
import type { Period } from './period.js';

export const CLOSED_PERIOD_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 1000;

const cache = new WeakMap<object, Map<string, { at: number; value: Promise<unknown> }>>();

export function closedPeriodFigure<T>(db: Db, key: string, period: Period, now: Date, compute: () => Promise<T>): Promise<T> {
  if (!isPool(db) || period.to > shanghaiDate(now)) return compute();
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const full = `${period.from}/${period.to}:${key}`;
  const hit = perDb.get(full);
  const t = now.getTime();
  if (hit && t - hit.at >= 0 && t - hit.at < CLOSED_PERIOD_TTL_MS) return hit.value as Promise<T>;
  if (perDb.size >= MAX_ENTRIES) perDb.clear();
  const value = compute();
  perDb.set(full, { at: t, value });
  value.catch(() => perDb!.delete(full));
  return value;
}
