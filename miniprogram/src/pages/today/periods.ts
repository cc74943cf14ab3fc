/**
 * The periods the history lists filter by, as Shanghai calendar days
 * (YYYY-MM-DD, both ends inclusive) the API takes as from/to.
 */
export type PeriodKey = 'week' | 'month' | 'last30' | 'all';
export const PERIODS: Array<{ key: PeriodKey; label: string }> = [
  { key: 'week', label: '本周' }, { key: 'month', label: '本月' }, { key: 'last30', label: '近30天' }, { key: 'all', label: '全部时间' },
];

const SHANGHAI_MS = 8 * 3_600_000;
const dayOf = (ms: number) => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10);

export function periodRange(key: PeriodKey, now = Date.now()): { from: string; to: string } | null {
  const today = dayOf(now);
  if (key === 'all') return null;
  if (key === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  if (key === 'last30') return { from: dayOf(now - 29 * 86_400_000), to: today };
  const weekday = (new Date(now + SHANGHAI_MS).getUTCDay() + 6) % 7; // Monday = 0
  return { from: dayOf(now - weekday * 86_400_000), to: today };
}
