/**
 * Dates and times as reps type them, relative to "now" in Asia/Shanghai:
 * 明天下午、下周三、3月15日、15号上午十点、大后天、月底、两周后、15:30.
 * Our own patterns come first because chrono's Chinese parser misses bare
 * days (15号), 后天上午 and 月底, and reads times in the host time zone;
 * chrono.zh is the fallback for what the patterns do not know.
 *
 *   parseZhDateTime('下周三下午', now) // { at: 2026-12-02 15:00 +08:00, hasDate: true, hasTime: true, … }
 *
 * Defaults (sales-ops convention): 上午 10:00, 下午 15:00, 早上 9:00, 中午 12:00,
 * 傍晚 18:00, 晚上 19:00; a date without a time is 10:00; a bare "3点" is 15:00
 * (1–6 点 mean the afternoon during business hours).
 */
import * as chrono from 'chrono-node';
import { addCalendarDays, shanghaiClock, shanghaiDate, shanghaiInstant, shanghaiWall, weekdayOf, type IsoDate } from '../flow/time.js';
import { normalizeNumerals, WEEKDAY_END } from './zh-numbers.js';

export interface ParsedDateTime {
  at: Date;
  hasDate: boolean;
  hasTime: boolean;
  /** True when the words name a span (下周, 月初), so a single day was assumed. */
  approximate: boolean;
  /** The words that were read, in the normalised text. */
  text: string;
}

interface DateHit { index: number; end: number; day: IsoDate; weekdayOnly?: boolean; approximate?: boolean; weekday?: number; weekStart?: boolean }
interface TimeHit { index: number; end: number; h: number; m: number }

const DEFAULT_DATE_HOUR = 10;
const PERIOD_DEFAULTS: Record<string, [number, number]> = {
  凌晨: [5, 0], 早上: [9, 0], 早晨: [9, 0], 清晨: [8, 0], 一早: [9, 0], 早: [9, 0], 上午: [10, 0],
  中午: [12, 0], 午后: [14, 0], 下午: [15, 0], 傍晚: [18, 0], 晚上: [19, 0], 夜里: [20, 0], 晚: [19, 0],
};
const PERIOD = /凌晨|早上|早晨|清晨|一早|上午|中午|午后|下午|傍晚|晚上|夜里|(?<=[明今])早|(?<=[明今])晚/g;
const CLOCK = /(\d{1,2})(?::(\d{2})|[点时](?:钟)?(?:(\d{1,2})分?|(半))?)/g;

const pad = (n: number) => String(n).padStart(2, '0');

function wall(now: Date): { today: IsoDate; isoWeekday: number } {
  const today = shanghaiDate(now);
  const wd = weekdayOf(today);
  return { today, isoWeekday: wd === 0 ? 7 : wd };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function isoDay(y: number, m: number, d: number): IsoDate | null {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

function addMonths(today: IsoDate, n: number): { y: number; m: number } {
  const [y, m] = today.split('-').map(Number);
  const idx = y * 12 + (m - 1) + n;
  return { y: Math.floor(idx / 12), m: (idx % 12) + 1 };
}

type DateRule = (m: RegExpExecArray, today: IsoDate, isoWeekday: number) => Omit<DateHit, 'index' | 'end'> | null;

const RELATIVE_DAYS: Record<string, number> = {
  大后天: 3, 后天: 2, 明天: 1, 明日: 1, 明儿: 1, 明早: 1, 明晚: 1, 明: 1, 今天: 0, 今日: 0, 今儿: 0, 今早: 0, 今晚: 0, 今: 0, 当天: 0,
};

/** Ordered: earlier rules win when two match at the same place. */
const DATE_RULES: Array<[RegExp, DateRule]> = [
  [/(\d{4})[年\-/.](\d{1,2})[月\-/.](\d{1,2})[日号]?/g, (m) => dayOf(isoDay(+m[1], +m[2], +m[3]))],
  [/(\d{1,2})月(\d{1,2})[日号]?/g, (m, today) => {
    const y = Number(today.slice(0, 4));
    const d = isoDay(y, +m[1], +m[2]);
    return dayOf(d && d < today ? isoDay(y + 1, +m[1], +m[2]) : d);
  }],
  [/(?<![\d:])(\d{1,2})\/(\d{1,2})(?![\d/])/g, (m, today) => {
    const y = Number(today.slice(0, 4));
    const d = isoDay(y, +m[1], +m[2]);
    return dayOf(d && d < today ? isoDay(y + 1, +m[1], +m[2]) : d);
  }],
  [/(下|本|这)?个?月(\d{1,2})[日号]/g, (m, today) => {
    const { y, m: mo } = addMonths(today, m[1] === '下' ? 1 : 0);
    return dayOf(isoDay(y, mo, +m[2]));
  }],
  [/(下|本|这)?个?月(底|末)/g, (m, today) => {
    let { y, m: mo } = addMonths(today, m[1] === '下' ? 1 : 0);
    let d = isoDay(y, mo, daysInMonth(y, mo))!;
    if (d < today) ({ y, m: mo } = addMonths(today, 1)), (d = isoDay(y, mo, daysInMonth(y, mo))!);
    return { day: d, approximate: true };
  }],
  [/(下|本|这)?个?月(上旬|中旬|下旬|中)/g, (m, today) => {
    const { y, m: mo } = addMonths(today, m[1] === '下' ? 1 : 0);
    return { day: isoDay(y, mo, { 上旬: 5, 中旬: 15, 中: 15, 下旬: 25 }[m[2] as '中']!)!, approximate: true };
  }],
  // 下旬 said alone: this month's, or next month's once it is past
  [/(?<![月个])(上旬|中旬|下旬)/g, (m, today) => {
    const day = { 上旬: 5, 中旬: 15, 下旬: 25 }[m[1] as '中旬']!;
    const { y, m: mo } = addMonths(today, Number(today.slice(8)) > day ? 1 : 0);
    return { day: isoDay(y, mo, day)!, approximate: true };
  }],
  // 元旦后: the first working day after New Year's Day (a weekend after it is still the holiday)
  [/元旦(节)?(假期)?(后|之后|以后|过后|过完)|过完元旦|过了元旦/g, (_m, today) => {
    const jan2 = `${Number(today.slice(0, 4)) + (today.slice(5) === '01-01' ? 0 : 1)}-01-02` as IsoDate;
    const wd = weekdayOf(jan2);
    return { day: addCalendarDays(jan2, wd === 6 ? 2 : wd === 0 ? 1 : 0), approximate: true };
  }],
  [/(下|本|这)?个?月初/g, (m, today) => {
    const { y, m: mo } = addMonths(today, m[1] === '本' || m[1] === '这' ? 0 : 1);
    return { day: isoDay(y, mo, 1)!, approximate: true };
  }],
  [/(\d{1,2})(?:天|日)[以之]?后/g, (m, today) => ({ day: addCalendarDays(today, +m[1]) })],
  // 过两天 / 过几天 / 过个礼拜: said loosely, kept as the day it lands on
  [/过(\d{1,2}|几)天/g, (m, today) => ({ day: addCalendarDays(today, m[1] === '几' ? 3 : +m[1]), approximate: true })],
  [/过(\d{1,2})?个?(周|礼拜|星期)(?![\d一二三四五六日天])/g, (m, today) => ({ day: addCalendarDays(today, 7 * +(m[1] ?? 1)), approximate: true })],
  [/(\d{1,2})个?周[以之]?后/g, (m, today) => ({ day: addCalendarDays(today, 7 * +m[1]), approximate: true })],
  [/(?<![\d月/])(\d{1,2})[日号](?!\d)/g, (m, today) => {
    const [y, mo, d] = today.split('-').map(Number);
    if (+m[1] >= d) return dayOf(isoDay(y, mo, +m[1]));
    const next = addMonths(today, 1);
    return dayOf(isoDay(next.y, next.m, +m[1]));
  }],
  [new RegExp(`(下下|下|这|本|上)?个?周([1-7])${WEEKDAY_END}`, 'g'), (m, today, wd) => {
    const n = +m[2];
    const monday = addCalendarDays(today, 1 - wd);
    const weeks = { 下下: 2, 下: 1, 这: 0, 本: 0, 上: -1 }[m[1] as '下'] as number | undefined;
    if (weeks === undefined) return { day: addCalendarDays(today, (n - wd + 7) % 7), weekdayOnly: true, weekday: n };
    return { day: addCalendarDays(monday, 7 * weeks + n - 1) };
  }],
  [/(下下|下|这|本)?个?周末/g, (m, today, wd) => {
    const monday = addCalendarDays(today, 1 - wd);
    const weeks = m[1] === '下下' ? 2 : m[1] === '下' ? 1 : 0;
    return { day: addCalendarDays(monday, 7 * weeks + 5), approximate: true };
  }],
  [/(下下|下)个?周(?![\d周末])/g, (m, today, wd) => {
    const monday = addCalendarDays(today, 1 - wd);
    return { day: addCalendarDays(monday, m[1] === '下下' ? 14 : 7), approximate: true, weekStart: true };
  }],
  [/大后天|后天|明天|明日|明儿|明早|明晚|今天|今日|今儿|今早|今晚|当天|(?<![说聪])明(?=上午|下午|中午|晚上)|今(?=上午|下午|中午|晚上)/g,
    (m, today) => ({ day: addCalendarDays(today, RELATIVE_DAYS[m[0]]) })],
];

function dayOf(day: IsoDate | null): Omit<DateHit, 'index' | 'end'> | null {
  return day ? { day } : null;
}

function findDates(t: string, now: Date): DateHit[] {
  const { today, isoWeekday } = wall(now);
  const hits: DateHit[] = [];
  for (const [re, rule] of DATE_RULES) {
    for (const m of t.matchAll(re)) {
      const r = rule(m as RegExpExecArray, today, isoWeekday);
      if (!r) continue;
      const index = m.index!;
      const end = index + m[0].length;
      // a later rule never overrides a longer or earlier match covering the same words
      if (hits.some((h) => index < h.end && end > h.index)) continue;
      hits.push({ index, end, ...r });
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

function periodHour(period: string | undefined, h: number): number {
  if (!period) return h >= 1 && h <= 6 ? h + 12 : h;
  if (['下午', '午后', '傍晚', '晚上', '夜里', '晚'].includes(period)) return h < 12 ? h + 12 : h;
  if (period === '中午') return h <= 3 ? h + 12 : h;
  if (period === '凌晨' && h === 12) return 0;
  return h;
}

function findTimes(t: string): TimeHit[] {
  const periods = [...t.matchAll(PERIOD)].map((m) => ({ index: m.index!, end: m.index! + m[0].length, word: m[0] }));
  const clocks = [...t.matchAll(CLOCK)].filter((m) => +m[1] <= 24);
  const times: TimeHit[] = [];
  const usedPeriods = new Set<number>();
  for (const c of clocks) {
    const index = c.index!;
    // the period word directly before the clock ("下午3点", "明天下午 3点")
    const p = periods.find((x) => x.end <= index && index - x.end <= 1);
    if (p) usedPeriods.add(p.index);
    const minute = c[2] ? +c[2] : c[3] ? +c[3] : c[4] ? 30 : 0;
    if (minute > 59) continue;
    times.push({ index: p ? p.index : index, end: index + c[0].length, h: periodHour(p?.word, +c[1]) % 24, m: minute });
  }
  for (const p of periods) {
    if (usedPeriods.has(p.index)) continue;
    const [h, m] = PERIOD_DEFAULTS[p.word];
    times.push({ index: p.index, end: p.end, h, m });
  }
  return times.sort((a, b) => a.index - b.index);
}

/**
 * The first date/time expression in `text`, or null. A time with no date is
 * today if still ahead, else tomorrow; a bare weekday that is today and
 * already past means next week.
 */
export function parseZhDateTime(text: string, now: Date): ParsedDateTime | null {
  const t = englishClock(normalizeNumerals(text));
  const dates = findDates(t, now);
  const times = findTimes(t);
  // "下礼拜找个时间，暂定周二": the loose week, then the day in it
  const exact = dates.slice(1).find((d) => !d.approximate);
  const date = dates[0]?.approximate && exact
    ? (dates[0].weekStart && exact.weekday ? { ...exact, day: addCalendarDays(dates[0].day, exact.weekday - 1), weekdayOnly: false } : exact)
    : dates[0];
  // the time belonging to the date: right after it (or just before, as in "下午…明天" rarely); else the first
  const time = date ? (times.find((x) => x.index >= date.index && x.index - date.end <= 2) ?? (dates.length === 1 ? times[0] : undefined)) : times[0];
  if (!date && !time) return chronoFallback(t, now);
  const { today } = wall(now);
  const [h, m] = time ? [time.h, time.m] : [DEFAULT_DATE_HOUR, 0];
  let day = date?.day ?? today;
  let at = shanghaiInstant(day, h, m);
  if ((!date || date.weekdayOnly) && at.getTime() <= now.getTime()) {
    day = addCalendarDays(day, date ? 7 : 1);
    at = shanghaiInstant(day, h, m);
  }
  const from = Math.min(date?.index ?? Infinity, time?.index ?? Infinity);
  const to = Math.max(date?.end ?? 0, time?.end ?? 0);
  return { at, hasDate: !!date, hasTime: !!time, approximate: !!date?.approximate, text: t.slice(from, to).replaceAll(WEEKDAY_END, '') };
}

/** "3pm", "10:30 am" typed beside Chinese: the afternoon or morning clock it says. */
function englishClock(t: string): string {
  return t.replace(/(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?(?![a-z])/gi, (_m, h: string, min: string | undefined, ap: string) =>
    `${ap.toLowerCase() === 'p' ? '下午' : '上午'}${h}${min ? `:${min}` : '点'}`);
}

/** chrono reads the reference and its results in host-local time: hand it the Shanghai wall clock as local time. */
function chronoFallback(t: string, now: Date): ParsedDateTime | null {
  const w = shanghaiWall(now);
  const ref = new Date(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes());
  const [r] = chrono.zh.parse(t.replaceAll(WEEKDAY_END, ''), ref, { forwardDate: true });
  if (!r) return null;
  const s = r.start;
  const day = isoDay(s.get('year') ?? w.getUTCFullYear(), s.get('month') ?? 1, s.get('day') ?? 1);
  if (!day) return null;
  const hasTime = s.isCertain('hour');
  const at = shanghaiInstant(day, hasTime ? (s.get('hour') ?? DEFAULT_DATE_HOUR) : DEFAULT_DATE_HOUR, hasTime ? (s.get('minute') ?? 0) : 0);
  return { at, hasDate: s.isCertain('day') || s.isCertain('weekday'), hasTime, approximate: false, text: r.text };
}

const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** '12月2日（周三）15:00' — how the bot reads a time back to the rep. */
export function describeZhDateTime(at: Date): string {
  return `${describeZhDay(at)}${shanghaiClock(at)}`;
}

/** '12月2日（周三）': the day alone, for a date field and the days a loose time may mean. */
export function describeZhDay(at: Date): string {
  const day = shanghaiDate(at);
  const [, mo, d] = day.split('-').map(Number);
  return `${mo}月${d}日（${WEEKDAY_NAMES[weekdayOf(day)]}）`;
}

/** '2026-12-02T15:00:00+08:00': stored in drafts, readable, and parsed by core/flow's parseBusinessDateTime. */
export function toShanghaiIso(at: Date): string {
  return `${shanghaiDate(at)}T${shanghaiClock(at)}:00+08:00`;
}
