/**
 * Whether an answer is only a date or time ("明天下午三点再去", "下周三"):
 * the rep answered another question (when to go back), not the one asked.
 * Pure, over parseZhDateTime.
 *
 *   dateOnlyAnswer('明天下午三点再去', now)   // { at: …15:00, text: '明天下午3点' }
 *   dateOnlyAnswer('设备科说耗材编码要下周才下来', now) // null: a blocker that mentions a date
 */
import { normalizeNumerals, WEEKDAY_END } from './zh-numbers.js';
import { parseZhDateTime, type ParsedDateTime } from './zh-datetime.js';

// what is left of "明天下午三点再去" once the time is read: going, visiting, calling again
const AROUND_A_DATE = /再去|再来|过去|回去|拜访|见面|面谈|联系|回访|跟进|约了?|去|来|吧|了|的|再|要|得|[\s，。,.!！?？、~～…]/g;

export function dateOnlyAnswer(text: string, now: Date): ParsedDateTime | null {
  const parsed = parseZhDateTime(text, now);
  if (!parsed) return null;
  const rest = normalizeNumerals(text).replaceAll(WEEKDAY_END, '').replace(parsed.text, '').replace(AROUND_A_DATE, '');
  return rest.length <= 1 ? parsed : null;
}
