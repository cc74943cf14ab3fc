/**
 * The holiday calendar due dates count working days in, one setting per year
 * (the State Council publishes a year at a time): statutory holidays, and 调休
 * make-up working days, which must be weekends (a weekday works already).
 * Written through to `holidays`, which every due-date computation reads.
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { shanghaiDate, weekdayOf } from '../flow/time.js';
import { OperationalDate } from '../resources/schemas.js';
import { CN_HOLIDAYS_2026 } from '../seed/holidays-cn.js';
import { defineSetting, type Issue } from '../settings/define.js';

export const HolidayYearSchema = z.strictObject({
  days: z.array(z.strictObject({
    day: OperationalDate.meta({ title: '日期' }),
    kind: z.enum(['holiday', 'workday']).meta({ title: '类型', labels: { holiday: '放假', workday: '调休上班' } }),
    name: z.string().trim().min(1).max(50).optional().meta({ title: '名称' }),
  })).max(366).meta({ title: '放假与调休上班日' }),
});
export type HolidayYear = z.output<typeof HolidayYearSchema>;

function dayIssues(year: string, value: HolidayYear): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  value.days.forEach((d, i) => {
    const path = `days.${i}.day`;
    if (!d.day.startsWith(`${year}-`)) issues.push({ path, message: `${d.day} 不在 ${year} 年` });
    else if (seen.has(d.day)) issues.push({ path, message: `${d.day} 重复出现` });
    else if (d.kind === 'workday' && ![0, 6].includes(weekdayOf(d.day))) {
      issues.push({ path, message: `${d.day} 是工作日，调休上班日应为周六或周日` });
    }
    seen.add(d.day);
  });
  return issues;
}

const bounds = (year: string) => [`${year}-01-01`, `${year}-12-31`];

/** The years with days stored, and this year and next (a new year's calendar is added by editing it). */
async function years(db: Db, now = new Date()): Promise<Array<{ code: string; label: string }>> {
  const { rows } = await db.query(`SELECT DISTINCT extract(year FROM day)::int AS y FROM holidays`);
  const thisYear = Number(shanghaiDate(now).slice(0, 4));
  const all = new Set<number>([...rows.map((r) => r.y), thisYear, thisYear + 1]);
  return [...all].sort().map((y) => ({ code: String(y), label: `${y}年` }));
}

export const holidayCalendar = defineSetting({
  key: 'calendar.holidays',
  topic: 'calendar',
  label: '节假日与调休',
  help: '事项期限按工作日计算：这里的放假日不算工作日，调休上班的周末算工作日。按年整体保存。',
  schema: HolidayYearSchema,
  // the template's calendar (what install-template.ts put in the table), year by year
  default: ({ item }) => ({ days: CN_HOLIDAYS_2026.filter((h) => h.day.startsWith(`${item}-`)).map((h) => ({ day: h.day, kind: h.kind, name: h.name })) }),
  items: {
    noun: '年份',
    list: (db) => years(db),
    create: { pattern: /^20\d\d$/, hint: '年份为 4 位数字，如 2027' },
  },
  editor: 'holidays',
  notify: { roles: ['manager', 'director'] },
  check: async (_db, value, { item }) => dayIssues(item, value),
  apply: async (db, value, { item }) => {
    await db.query('DELETE FROM holidays WHERE day BETWEEN $1 AND $2', bounds(item));
    if (value.days.length === 0) return;
    await db.query(
      `INSERT INTO holidays (day, kind, name) SELECT * FROM unnest($1::date[], $2::text[], $3::text[])`,
      [value.days.map((d) => d.day), value.days.map((d) => d.kind), value.days.map((d) => d.name ?? null)]);
  },
});
