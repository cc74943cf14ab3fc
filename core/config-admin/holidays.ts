/**
 * The holiday calendar that due dates count working days in. The State
 * Council publishes a year at a time, so a year is replaced as a whole:
 * statutory holidays, and 调休 make-up working days (which must be weekends —
 * a weekday is a working day already).
 *
 *   await replaceHolidayYear(tx, admin, 2027, [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }]);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { shanghaiDate, weekdayOf } from '../flow/time.js';
import { IsoDate } from '../resources/schemas.js';
import { assertMayChangeConfig, assertMayReadConfig, recordConfigChange } from './change-log.js';

const Year = z.string().regex(/^\d{4}$/, '年份应为4位数字').transform(Number)
  .pipe(z.number().int().min(2000, '年份应在2000–2100之间').max(2100, '年份应在2000–2100之间'));
export const HolidayYearParams = z.object({ year: Year });
export const HolidaysQuery = z.strictObject({ year: Year.optional() });

const HolidayDay = z.strictObject({
  day: IsoDate,
  kind: z.enum(['holiday', 'workday']),
  name: z.string().trim().min(1).max(50).optional(),
});
export type HolidayDay = z.output<typeof HolidayDay>;

export const PutHolidaysSchema = z.strictObject({ days: z.array(HolidayDay).max(366) });

export const HolidayYearSchema = z.object({
  year: z.number(),
  days: z.array(z.object({ day: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string().nullable() })),
});
export type HolidayYear = z.infer<typeof HolidayYearSchema>;

const bounds = (year: number): string[] => [`${year}-01-01`, `${year}-12-31`];

async function loadYear(db: Db, year: number): Promise<HolidayYear> {
  const { rows } = await db.query('SELECT day, kind, name FROM holidays WHERE day BETWEEN $1 AND $2 ORDER BY day', bounds(year));
  return { year, days: rows.map((r) => ({ day: r.day, kind: r.kind, name: r.name })) };
}

export async function getHolidayYear(db: Db, actor: Actor, year: number | undefined, now: Date): Promise<HolidayYear> {
  assertMayReadConfig(actor);
  return loadYear(db, year ?? Number(shanghaiDate(now).slice(0, 4)));
}

function dayIssues(year: number, days: readonly HolidayDay[]): Array<{ path: string; message: string }> {
  const seen = new Set<string>();
  const issues: Array<{ path: string; message: string }> = [];
  days.forEach((d, i) => {
    const path = `body.days.${i}.day`;
    if (!d.day.startsWith(`${year}-`)) issues.push({ path, message: `${d.day} 不在 ${year} 年` });
    else if (seen.has(d.day)) issues.push({ path, message: `${d.day} 重复出现` });
    else if (d.kind === 'workday' && ![0, 6].includes(weekdayOf(d.day))) {
      issues.push({ path, message: `${d.day} 是工作日，调休上班日应为周六或周日` });
    }
    seen.add(d.day);
  });
  return issues;
}

export async function replaceHolidayYear(db: Db, actor: Actor, year: number, days: readonly HolidayDay[]): Promise<HolidayYear> {
  assertMayChangeConfig(actor);
  const issues = dayIssues(year, days);
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues);
  // one writer per year at a time: the delete-then-insert below is not atomic to a concurrent replace
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`holidays:${year}`]);
  const before = await loadYear(db, year);
  await db.query('DELETE FROM holidays WHERE day BETWEEN $1 AND $2', bounds(year));
  if (days.length > 0) {
    await db.query(
      `INSERT INTO holidays (day, kind, name) SELECT * FROM unnest($1::date[], $2::text[], $3::text[])`,
      [days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name ?? null)],
    );
  }
  const after = await loadYear(db, year);
  const list = (y: HolidayYear, kind: string) => y.days.filter((d) => d.kind === kind).map((d) => d.day);
  const summary = (y: HolidayYear) => ({ holidays: list(y, 'holiday'), workdays: list(y, 'workday') });
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    await recordConfigChange(db, actor, { entityType: 'holiday_calendar', entityId: year, code: String(year), before: summary(before), after: summary(after) });
  }
  return after;
}
