/**
 * Dashboard periods: half-open ranges of Shanghai calendar days [from, to).
 * A month ('2026-11') is [2026-11-01, 2026-12-01); the previous period of a
 * month is the previous month, of any other range the range of the same
 * length just before it.
 *
 *   const p = resolvePeriod({ month: '2026-11' }, now);   // { from: '2026-11-01', to: '2026-12-01', … }
 *   const prev = previousPeriod(p);                          // October
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant, type IsoDate } from '../flow/time.js';
import { OPERATIONAL_YEARS, OperationalDate } from '../resources/schemas.js';

export interface Period {
  from: IsoDate;
  to: IsoDate;
  /** Whole calendar month (the previous period is then the previous month). */
  month: boolean;
  label: string;
  /** Instants of the bounds (Shanghai midnight). */
  fromTs: Date;
  toTs: Date;
}

const MAX_DAYS = 3 * 366;

const saneYear = (s: string) => { const y = Number(s.slice(0, 4)); return y >= OPERATIONAL_YEARS.min && y <= OPERATIONAL_YEARS.max; };
const DayParam = OperationalDate;

export const PeriodQuery = {
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM').refine(saneYear, '年份应在2000至2200之间').optional(),
  from: DayParam.optional(),
  to: DayParam.optional(),
};

export const PeriodSchema = z.object({ from: z.string(), to: z.string(), label: z.string() });

export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function monthStart(day: IsoDate): IsoDate {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(monthFirst: IsoDate, n: number): IsoDate {
  const y = Number(monthFirst.slice(0, 4));
  const m = Number(monthFirst.slice(5, 7)) - 1 + n;
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}-01`;
}

export function makePeriod(from: IsoDate, to: IsoDate): Period {
  const month = from.endsWith('-01') && to === addMonths(from, 1);
  const label = month
    ? `${from.slice(0, 4)}年${Number(from.slice(5, 7))}月`
    : `${from} 至 ${addCalendarDays(to, -1)}`;
  return { from, to, month, label, fromTs: shanghaiInstant(from), toTs: shanghaiInstant(to) };
}

/** The period a query names: `month`, or `from`/`to` (to exclusive), or the current month. */
export function resolvePeriod(q: { month?: string; from?: string; to?: string }, now: Date): Period {
  if (q.month && (q.from || q.to)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'query.month', message: '请只用 month，或只用 from/to 指定统计期' }]);
  }
  if (q.month) {
    const from = `${q.month}-01`;
    return makePeriod(from, addMonths(from, 1));
  }
  if (q.from || q.to) {
    if (!q.from || !q.to) throw new AppError('VALIDATION_FAILED', [{ path: 'query.from', message: 'from 与 to 需要同时提供' }]);
    const days = daysBetween(q.from, q.to);
    if (days <= 0) throw new AppError('VALIDATION_FAILED', [{ path: 'query.to', message: '结束日期（不含）必须晚于开始日期' }]);
    if (days > MAX_DAYS) throw new AppError('VALIDATION_FAILED', [{ path: 'query.to', message: '统计期不能超过3年' }]);
    return makePeriod(q.from, q.to);
  }
  const from = monthStart(shanghaiDate(now));
  return makePeriod(from, addMonths(from, 1));
}

export function previousPeriod(p: Period): Period {
  if (p.month) return makePeriod(addMonths(p.from, -1), p.from);
  return makePeriod(addCalendarDays(p.from, -daysBetween(p.from, p.to)), p.from);
}

export function periodOut(p: Period): { from: string; to: string; label: string } {
  return { from: p.from, to: p.to, label: p.label };
}

/** Monday of the ISO week of `day`. */
export function mondayOf(day: IsoDate): IsoDate {
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addCalendarDays(day, -((wd + 6) % 7));
}

/** '2026-W48' of a Monday. */
export function isoWeekLabel(monday: IsoDate): string {
  const thursday = addCalendarDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const week1 = mondayOf(jan4);
  const week = Math.floor(daysBetween(week1, monday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday of an ISO week '2026-W48' (or of the week containing a 'YYYY-MM-DD'). */
export function parseWeek(week: string): IsoDate {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(week) ? week : null;
  if (d) return mondayOf(d);
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new AppError('VALIDATION_FAILED', [{ path: 'query.week', message: '周格式应为 2026-W48 或 YYYY-MM-DD' }]);
  const year = Number(m[1]);
  const n = Number(m[2]);
  const monday = addCalendarDays(mondayOf(`${m[1]}-01-04`), (n - 1) * 7);
  if (n < 1 || n > 53 || Number(addCalendarDays(monday, 3).slice(0, 4)) !== year) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'query.week', message: `${year}年没有第${n}周` }]);
  }
  return monday;
}

export const WeekQuery = z.string().regex(/^(\d{4}-W\d{2}|\d{4}-\d{2}-\d{2})$/, '周格式应为 2026-W48 或 YYYY-MM-DD')
  .refine(saneYear, '年份应在2000至2200之间')
  .refine((s) => s.includes('W') || !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), '日期无效');
