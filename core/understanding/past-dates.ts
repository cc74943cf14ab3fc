/**
 * When something happened, said only roughly: 上个月, 上上个月底, 月初, 年初, 去年年底, 上周,
 * 半个月前, 三个月前. A personnel change said so is dated by its best estimate and labelled as
 * approximate (约11月中), never recorded as today. Read backwards only: these are the past.
 *
 *   approximatePastDay('刘伟上个月离职了', '2026-12-07') // { day: '2026-11-15', label: '约11月' }
 *
 * Words with no estimate at all (前段时间, 最近, 之前, 那阵子) are not guessed: vaguePastWords finds
 * them so the caller asks, and roughPeriodDay reads the answer (本周/上周/本月/上个月/更早).
 */
import { addCalendarDays, weekdayOf, type IsoDate } from '../flow/time.js';

export interface ApproximateDay {
  day: IsoDate;
  /** How it reads on a screen: 约11月中 / 约2026年初 / 约11月30日那周. */
  label: string;
}

const CN_DIGITS: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const count = (s: string) => (/^\d+$/.test(s) ? Number(s) : CN_DIGITS[s] ?? NaN);

/** The part of a month 初/中/底 said, as the day taken and its words. */
const PART: Record<string, { day: number; words: string }> = {
  初: { day: 5, words: '初' }, 中: { day: 15, words: '中' }, 底: { day: 25, words: '底' }, 末: { day: 25, words: '底' },
};

function monthsBack(today: IsoDate, n: number): { y: number; m: number } {
  const [y, m] = today.split('-').map(Number);
  const index = y * 12 + (m - 1) - n;
  return { y: Math.floor(index / 12), m: (index % 12) + 1 };
}

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function inMonth(today: IsoDate, back: number, part: string | undefined): ApproximateDay {
  const { y, m } = monthsBack(today, back);
  const p = part ? PART[part] : undefined;
  const thisYear = y === Number(today.slice(0, 4));
  return { day: iso(y, m, p?.day ?? 15), label: `约${thisYear ? '' : `${y}年`}${m}月${p?.words ?? ''}` };
}

/** Monday of the week `weeksBack` weeks before today's (weekdayOf counts Sunday as 0). */
function mondayBefore(today: IsoDate, weeksBack: number): IsoDate {
  return addCalendarDays(today, 1 - (weekdayOf(today) || 7) - 7 * weeksBack);
}

const weekOf = (monday: IsoDate): ApproximateDay => ({
  day: addCalendarDays(monday, 2), label: `约${Number(monday.slice(5, 7))}月${Number(monday.slice(8))}日那周`,
});

type Rule = [RegExp, (m: RegExpExecArray, today: IsoDate) => ApproximateDay | null];

const RULES: Rule[] = [
  [/(上上|上)个?月(初|中|底|末)?/, (m, today) => inMonth(today, m[1] === '上上' ? 2 : 1, m[2])],
  [/(?:这|本)?个?月初/, (_m, today) => inMonth(today, 0, '初')],
  [/([一两二三四五六七八九十\d]{1,2})个(?:多)?月(?:以|之)?前/, (m, today) => (count(m[1]) > 0 ? inMonth(today, count(m[1]), undefined) : null)],
  [/半个?月(?:以|之)?前/, (_m, today) => {
    const day = addCalendarDays(today, -15);
    return { day, label: `约${Number(day.slice(5, 7))}月${Number(day.slice(8))}日前后` };
  }],
  [/去年(年初|年中|年底|年末|底)?/, (m, today) => {
    const y = Number(today.slice(0, 4)) - 1;
    const at = m[1]?.includes('初') ? [1, 15, '初'] : m[1]?.includes('中') ? [7, 1, '中'] : m[1] ? [12, 15, '底'] : [7, 1, ''];
    return { day: iso(y, at[0] as number, at[1] as number), label: `约${y}年${at[2]}` };
  }],
  [/(?:今年)?(?:年初|开年|开春)/, (_m, today) => {
    const y = Number(today.slice(0, 4));
    const day = iso(y, 1, 15);
    return day <= today ? { day, label: `约${y}年初` } : null;
  }],
  [/半年(?:以|之)?前/, (_m, today) => inMonth(today, 6, undefined)],
  // 上周 with no weekday after it (上周五 is a day, read as one elsewhere)
  [/上(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天1-7])/, (_m, today) => weekOf(mondayBefore(today, 1))],
  [/([一两二三四五六七八九十\d]{1,2})(?:个)?(?:周|星期|礼拜)(?:以|之)?前/, (m, today) => (count(m[1]) > 0 ? weekOf(mondayBefore(today, count(m[1]))) : null)],
];

export function approximatePastDay(text: string, today: IsoDate): ApproximateDay | null {
  for (const [re, read] of RULES) {
    const m = re.exec(text);
    if (!m) continue;
    const hit = read(m, today);
    // a part of a month not yet reached (月底 said on the 7th) is no estimate of the past
    if (hit && hit.day <= today) return hit;
  }
  return null;
}

/** When, said with no estimate to make: the bot asks instead of recording today. */
const VAGUE_PAST = /前(一)?段时间|前(一)?阵(子)?|那(一)?阵(子)?|这(一)?阵(子)?|最近|近期|近来|之前|以前|早就|早些时候|前些(天|日子|时候)|前几天|前两天|不久前|没多久|有(一)?段时间了/;

/** The words that say when only vaguely ("前段时间"), or null. */
export function vaguePastWords(text: string): string | null {
  return VAGUE_PAST.exec(text)?.[0] ?? null;
}

/** The periods offered when the bot asks when something happened. */
export const ROUGH_PERIODS = ['本周', '上周', '本月', '上个月', '更早'] as const;

/** The estimate for an answer naming one of ROUGH_PERIODS (or its usual words), else null. */
export function roughPeriodDay(answer: string, today: IsoDate): ApproximateDay | null {
  const t = answer.trim();
  // 上周五 / 这周一 are days, read by the caller
  if (/^(就是|是|在)?(本|这|这个)(周|星期|礼拜)(?![一二三四五六日天1-7])/.test(t)) {
    const week = weekOf(mondayBefore(today, 0));
    return { ...week, day: week.day <= today ? week.day : today };
  }
  if (/^(就是|是|在)?上(个)?(周|星期|礼拜)(?![一二三四五六日天1-7])/.test(t)) return weekOf(mondayBefore(today, 1));
  if (/^(就是|是|在)?(本|这|这个)月/.test(t)) {
    const [y, m, d] = today.split('-').map(Number);
    return { day: iso(y, m, Math.max(1, Math.ceil(d / 2))), label: `约${m}月` };
  }
  if (/^(就是|是|在)?上(个)?月/.test(t)) return inMonth(today, 1, undefined);
  if (/^(更早|很早|早就|好久|挺久|很久|上个月之前|之前)/.test(t)) {
    const { y, m } = monthsBack(today, 1);
    const thisYear = y === Number(today.slice(0, 4));
    return { day: addCalendarDays(iso(y, m, 1), -1), label: `${thisYear ? '' : `${y}年`}${m}月以前` };
  }
  return null;
}
