/**
 * Chinese numerals and full-width characters, normalised before any other
 * parsing so every later pattern only has to know ASCII digits.
 *
 *   normalizeNumerals('下周三下午三点半') // '下周3\u200b下午3点半'
 */

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const WEEKDAY_NUMBER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 末: 0 };

/**
 * Marks the end of a normalised weekday ('周3\u200b'), so the weekday digit
 * never runs into a following number ('周三十点' → '周3\u200b10点').
 */
export const WEEKDAY_END = '\u200b';

/** 十五 → 15, 二十三 → 23, 二〇二六 → 2026, '12' → 12; null for anything else. */
export function zhNumberToInt(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(s)) return null;
  if (!s.includes('十') && !s.includes('百')) {
    return s.length === 1 ? DIGITS[s] : Number([...s].map((c) => DIGITS[c]).join(''));
  }
  let total = 0;
  let current = 0;
  for (const c of s) {
    if (c === '百') { total += (current || 1) * 100; current = 0; }
    else if (c === '十') { total += (current || 1) * 10; current = 0; }
    else current = DIGITS[c];
  }
  return total + current;
}

const FULL_WIDTH_DIGIT = /[０-９]/g;
// numeral runs that are quantities, not part of words (一起, 一下): followed by a unit
const NUMERAL_RUN = /[零〇一二两三四五六七八九十百]+(?=[点时月日号天个分周年小张条笔次位家])/g;

/** Full-width digits and punctuation to ASCII, weekday names to 周N, Chinese numerals before units to digits. */
export function normalizeNumerals(text: string): string {
  let t = text
    .replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/：/g, ':')
    .replace(/／/g, '/')
    .replace(/星期|礼拜/g, '周');
  // 周一…周日 before numerals: 周一 must not become part of 一十
  t = t.replace(/周([一二三四五六日天1-7])(?![0-9])/g, (_m, d: string) => `周${WEEKDAY_NUMBER[d] ?? d}${WEEKDAY_END}`);
  t = t.replace(/(一|1)刻/g, '15分').replace(/(三|3)刻/g, '45分');
  return t.replace(NUMERAL_RUN, (run) => String(zhNumberToInt(run) ?? run));
}
