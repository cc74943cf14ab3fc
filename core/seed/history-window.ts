/**
 * Time and people the history modules share: the window of working days
 * anchored to "now" in Asia/Shanghai, SQL for an instant on one of its days,
 * and the reps in scope with what the modules need to know about each.
 *
 *   const window = historyWindow(now, calendar, 90);
 *   `${workTime('d.day', unit('g', s, 3), '$1')}`   // a working hour of that day, before now on today
 */
import type pg from 'pg';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { isWorkingDay, type WorkCalendar } from '../flow/working-days.js';
import type { HistoryWindow } from './seed-module.js';

export function historyWindow(now: Date, calendar: WorkCalendar, calendarDays: number): HistoryWindow {
  const today = shanghaiDate(now);
  const days: string[] = [];
  for (let i = calendarDays - 1; i >= 0; i--) {
    const d = addCalendarDays(today, -i);
    if (isWorkingDay(d, calendar)) days.push(d);
  }
  const ahead: string[] = [];
  for (let d = addCalendarDays(today, 1); ahead.length < 60; d = addCalendarDays(d, 1)) if (isWorkingDay(d, calendar)) ahead.push(d);
  return { now, today, days, ahead, calendar };
}

/**
 * The window's working days and the next ones as one SQL date[] (1-based),
 * with the index of the current working day: today when it is one, else the
 * next. Work due N working days after day i is due at the end of day i + N.
 */
export function workingDayIndex(w: HistoryWindow): { all: string[]; current: number; last: number } {
  const todayWorks = w.days[w.days.length - 1] === w.today;
  return { all: [...w.days, ...w.ahead], current: todayWorks ? w.days.length : w.days.length + 1, last: w.days.length };
}

/** The instant of Shanghai wall-clock `minutes` (an SQL number) after midnight of `day` (an SQL date). */
export const atShanghai = (day: string, minutes: string) =>
  `((${day})::timestamp AT TIME ZONE 'Asia/Shanghai' + (${minutes}) * interval '1 minute')`;

/**
 * An instant during working hours (08:30–18:00) of `day`, placed by `u` ∈ [0,1);
 * on today (`today`, an SQL date) only up to a minute before `now`, so nothing
 * generated lies in the future (before 08:30, the early hours of the day).
 */
export function workTime(day: string, u: string, now: string, today: string): string {
  const minutesNow = `(extract(epoch FROM (${now})::timestamptz - (${today})::timestamp AT TIME ZONE 'Asia/Shanghai') / 60 - 1)`;
  const hi = `(CASE WHEN (${day})::date = (${today})::date THEN LEAST(1080, ${minutesNow}) ELSE 1080 END)`;
  const lo = `LEAST(510, ${hi} / 2)`;
  return atShanghai(day, `${lo} + (${u}) * (${hi} - ${lo})`);
}

/** End of a Shanghai day (23:59:59): when work due "on" that day is due, as addWorkingDays gives it. */
export const endOfDay = (day: string) => atShanghai(day, '1439 + 59.0 / 60');

export interface ScopeRep {
  id: number;
  name: string;
  departmentId: number | null;
  managerId: number | null;
  /** Where the rep works: the city of their customers and its centre. */
  city: string;
  lat: number;
  lng: number;
}

/**
 * The reps in scope with their team, manager and home city, as parallel
 * arrays for SQL (index i + 1 = the i-th rep by id). The city is read from
 * the rep's first customer (the text before 市 in its address, and its
 * coordinates), so curated and generated organisations work alike.
 */
export async function loadScopeReps(pool: pg.Pool, repIds: readonly number[]): Promise<ScopeRep[]> {
  const { rows } = await pool.query(
    `SELECT u.id, u.name, u.department_id, u.manager_id,
            split_part(f.address, '市', 1) AS city, f.lat, f.lng
       FROM users u
       LEFT JOIN LATERAL (SELECT c.address, c.lat, c.lng FROM customers c
                           WHERE c.owner_id = u.id AND c.address LIKE '%市%' AND c.lat IS NOT NULL ORDER BY c.id LIMIT 1) f ON true
      WHERE u.id = ANY($1::bigint[]) ORDER BY u.id`, [repIds]);
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, departmentId: r.department_id, managerId: r.manager_id,
    city: r.city ?? '上海', lat: r.lat ?? 31.2304, lng: r.lng ?? 121.4737,
  }));
}

/** The SQL arrays of a rep list: ids, departments, managers (the rep when none), cities, centres. */
export function repArrays(reps: readonly ScopeRep[]) {
  return {
    ids: reps.map((r) => r.id),
    departments: reps.map((r) => r.departmentId),
    managers: reps.map((r) => r.managerId ?? r.id),
    cities: reps.map((r) => r.city),
    lats: reps.map((r) => r.lat),
    lngs: reps.map((r) => r.lng),
  };
}

export { isWorkingDay };
export type { WorkCalendar };

/**
 * An instant moved into office hours (09:00–18:00 Shanghai) of its own day,
 * keeping the order of instants: a deal that "moved" at 03:00 moved at 10:00.
 */
export function officeHours(ts: string): string {
  const local = `((${ts}) AT TIME ZONE 'Asia/Shanghai')`;
  const day = `date_trunc('day', ${local})`;
  return `((${day} + interval '9 hours' + (extract(epoch FROM ${local} - ${day}) / 86400.0) * interval '9 hours') AT TIME ZONE 'Asia/Shanghai')`;
}
