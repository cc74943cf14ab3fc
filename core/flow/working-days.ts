/**
 * Due dates in working days, in Asia/Shanghai whatever the process TZ.
 * China moves holidays around with 调休: some Saturdays/Sundays become
 * working days, so a calendar lists both extra holidays and extra workdays.
 *
 *   addWorkingDays(now, 3, calendar) // 23:59:59 Shanghai of the 3rd working day after today
 */
import { addCalendarDays, shanghaiDate, shanghaiInstant, weekdayOf, type IsoDate } from './time.js';

export { shanghaiDate } from './time.js';

export interface WorkCalendar {
  /** Statutory holidays that fall on weekdays, 'YYYY-MM-DD'. */
  holidays: ReadonlySet<IsoDate>;
  /** 调休 make-up working days that fall on weekends. */
  extraWorkdays: ReadonlySet<IsoDate>;
}

export const EMPTY_CALENDAR: WorkCalendar = { holidays: new Set(), extraWorkdays: new Set() };

export function isWorkingDay(day: IsoDate, cal: WorkCalendar): boolean {
  if (cal.extraWorkdays.has(day)) return true;
  if (cal.holidays.has(day)) return false;
  const wd = weekdayOf(day);
  return wd !== 0 && wd !== 6;
}

/** The Nth working day after `day` (n = 0: `day` itself, working or not). */
export function nthWorkingDayAfter(day: IsoDate, n: number, cal: WorkCalendar): IsoDate {
  let d = day;
  // a calendar with no working days at all would loop forever; 10 years is plenty
  for (let left = n, guard = 0; left > 0; guard++) {
    if (guard > 3660) throw new Error('working-day calendar has no working days');
    d = addCalendarDays(d, 1);
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

/**
 * 23:59:59 Shanghai of the Nth working day after start's Shanghai date; the
 * start day itself never counts, so a task dispatched Friday evening with
 * n = 1 is due Monday night.
 */
export function addWorkingDays(start: Date, n: number, cal: WorkCalendar): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  return shanghaiInstant(nthWorkingDayAfter(shanghaiDate(start), n, cal), 23, 59, 59);
}

/**
 * Working days d with date(a) < d ≤ date(b) in Shanghai; negative when b is
 * before a. Monday after a Friday due date counts 1.
 */
export function workingDaysBetween(a: Date, b: Date, cal: WorkCalendar): number {
  const from = shanghaiDate(a);
  const to = shanghaiDate(b);
  if (from === to) return 0;
  const sign = from < to ? 1 : -1;
  const [lo, hi] = sign === 1 ? [from, to] : [to, from];
  let count = 0;
  for (let d = addCalendarDays(lo, 1); d <= hi; d = addCalendarDays(d, 1)) {
    if (isWorkingDay(d, cal)) count++;
  }
  return sign * count;
}

/** Builds a calendar from plain arrays (how it is stored as JSON). */
export function workCalendar(holidays: Iterable<IsoDate> = [], extraWorkdays: Iterable<IsoDate> = []): WorkCalendar {
  return { holidays: new Set(holidays), extraWorkdays: new Set(extraWorkdays) };
}
