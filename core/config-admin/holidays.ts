/**
 * The holiday calendar as the screens read it, a year at a time. It is edited
 * as the 'calendar.holidays' setting (holidays.setting.ts), which writes it
 * through to the `holidays` table due dates are counted with.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { shanghaiDate } from '../flow/time.js';
import { assertCan } from '../auth/permissions.js';

const Year = z.string().regex(/^\d{4}$/, '年份应为4位数字').transform(Number)
  .pipe(z.number().int().min(2000, '年份应在2000–2100之间').max(2100, '年份应在2000–2100之间'));
export const HolidaysQuery = z.strictObject({ year: Year.optional() });

export const HolidayYearViewSchema = z.object({
  year: z.number(),
  days: z.array(z.object({ day: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string().nullable() })),
});
export type HolidayYearView = z.infer<typeof HolidayYearViewSchema>;

const bounds = (year: number): string[] => [`${year}-01-01`, `${year}-12-31`];

async function loadYear(db: Db, year: number): Promise<HolidayYearView> {
  const { rows } = await db.query('SELECT day, kind, name FROM holidays WHERE day BETWEEN $1 AND $2 ORDER BY day', bounds(year));
  return { year, days: rows.map((r) => ({ day: r.day, kind: r.kind, name: r.name })) };
}

export async function getHolidayYear(db: Db, actor: Actor, year: number | undefined, now: Date): Promise<HolidayYearView> {
  assertCan(actor, 'config', 'read');
  return loadYear(db, year ?? Number(shanghaiDate(now).slice(0, 4)));
}
