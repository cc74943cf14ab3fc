/**
 * A manager asking the bot what wins — "哪些动作最影响赢单", "赢单靠什么",
 * "什么动作能提高赢率", "结果归因" — registered as an intent of the bot's
 * router, and the headline of the report: the actions whose win-rate
 * difference is significant, largest first. Pure functions.
 *
 *   asksWhatWins('哪些动作最影响赢单')      // true
 *   headline(report.actions)                // [{ label: '见到决策人（经核验）', diff: 0.5, … }]
 */
import { registerIntent, type IntentDetector } from '../understanding/intent-router.js';
import type { ActionRow } from './schemas.js';

export const ATTRIBUTION_INTENT = 'attribution_headline';

const OUTCOME = '(赢单|成单|签单|成交|拿单|赢率|胜率|中标)';
const ASKS: RegExp[] = [
  new RegExp(`(哪些|哪个|什么|啥|哪类|哪种)(动作|行为|事情|事|做法|工作|环节).{0,8}(影响|决定|有助于|帮助|提高|提升|拉高|关系到|有用|管用).{0,6}${OUTCOME}`),
  new RegExp(`${OUTCOME}.{0,6}(靠|看|取决于|跟|和).{0,4}(什么|哪些|啥)(动作|行为)?`),
  new RegExp(`(影响|决定)${OUTCOME}的?(动作|因素|关键)`),
  /^(看看?|查看?|打开)?(结果)?归因(报告)?(分析)?$/,
];

export function asksWhatWins(text: string): boolean {
  const t = text.trim().replace(/[\s，。！!？?、~～…]+/g, '');
  return t.length > 0 && t.length <= 30 && ASKS.some((re) => re.test(t));
}

export const attributionIntent: IntentDetector = (text) =>
  (asksWhatWins(text) ? { kind: ATTRIBUTION_INTENT, score: 0.85, describe: '看哪些动作最影响赢单' } : null);
registerIntent(attributionIntent);

/** How many actions the headline names. */
const TOP = 3;

/** The actions (over all stages) whose difference is significant and raises the win rate, largest difference first. */
export function headline(actions: readonly ActionRow[]): ActionRow[] {
  return actions.filter((a) => a.stage === null && a.significant && a.difference && a.difference.diff > 0)
    .sort((a, b) => b.difference!.diff - a.difference!.diff || a.kind.localeCompare(b.kind)).slice(0, TOP);
}

/** The significant ones that go with losing. */
export function dragging(actions: readonly ActionRow[]): ActionRow[] {
  return actions.filter((a) => a.stage === null && a.significant && a.difference && a.difference.diff < 0);
}
