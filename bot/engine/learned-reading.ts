/**
 * A message no rule read and the learned reader only leans on (core/understanding/learned): the bot asks
 * which reading was meant — 你是想1.记下联系人变动（离职），还是2.…？ — and the answer (1, 2, 是, a button)
 * applies that reading to the words said, through the same paths as if it had been sure. 不是 records nothing.
 * Either answer is kept as the organisation's example (core/understanding/learned/org-examples.ts): the same words
 * are then read as answered, and the next retraining learns the phrasing.
 *
 *   if (routed.clarify && askWhichReading(t, text, routed)) return;
 *   // next message: answerWhichReading(t, p, text, cmd, apply)
 */
import { ordinalIn } from '../../core/understanding/decision-chain.js';
import type { RoutedIntent } from '../../core/understanding/intent-router.js';
import { isNo, isYes, type Command } from '../../core/understanding/intents.js';
import { correctedReading } from '../../core/understanding/learned/corrected-reading.js';
import { readingName, recordAnswer, recordCorrection } from '../../core/understanding/learned/org-examples.js';
import { undo } from '../commands/report.commands.js';
import type { PendingQuestion } from './state.js';
import { say, setPending, type Turn } from './turn.js';

type WhichReading = Extract<PendingQuestion, { kind: 'which_reading' }>;

/** Asks the learned reader's question as a pending one; false when it is not the learned reader's, or another question waits. */
export function askWhichReading(t: Turn, text: string, routed: RoutedIntent): boolean {
  if (!routed.clarify || !routed.choices?.length || t.convo.pendingQuestion) return false;
  setPending(t, {
    kind: 'which_reading', text, readings: routed.choices.map((c) => ({ label: c.learned!, describe: c.describe })), ...(routed.asked ? { asked: routed.asked } : {}),
  });
  say(t, routed.clarify);
  return true;
}

/**
 * The answer to it. `apply` records the chosen reading of the words first said. False when the message is
 * not an answer (a command, or something new): the question is dropped and the message handled as itself.
 */
export async function answerWhichReading(
  t: Turn, p: WhichReading, text: string, cmd: Command | null, apply: (text: string, reading: string) => Promise<void>,
): Promise<boolean> {
  const i = p.readings.length === 1 && isYes(text) ? 1 : ordinalIn(text);
  const chosen = i !== null && i >= 1 && i <= p.readings.length ? p.readings[i - 1] : null;
  setPending(t, null);
  const learn = (label: string, source: 'chosen' | 'none_of_these') => recordAnswer(t.db, {
    text: p.text, ctx: { now: t.now, contacts: [], asked: p.asked ?? '-' }, label, offered: p.readings.map((r) => r.label), source, userId: t.actor.id, at: t.now,
  });
  if (chosen) {
    await learn(chosen.label, 'chosen');
    await apply(p.text, chosen.label);
    return true;
  }
  if (!cmd && (isNo(text) || /都不是|不是/.test(text))) {
    await learn('none', 'none_of_these');
    say(t, '好的，这句先不记，以后同样的话也不再问。换个说法再说一次，或回复“帮助”看看我能做什么。');
    return true;
  }
  return false;
}

/**
 * "不对，她是反对的" right after a reading the learned reader made by itself: the wrong reading is taken back, the
 * corrected one applied to the words first said, and the words kept as the organisation's example of it (the
 * earlier examples of the same phrasing read otherwise are removed). False when the last change was not the
 * learned reader's, or the correction names no reading of its families (不对，是下周四 corrects a date).
 */
export async function correctLearnedReading(t: Turn, text: string, apply: (text: string, reading: string) => Promise<void>): Promise<boolean> {
  const last = t.convo.state.undo?.at(-1)?.learned;
  const reading = last ? correctedReading(text) : null;
  if (!last || !reading || reading === last.label) return false;
  await undo(t, { correcting: true });
  await recordCorrection(t.db, {
    text: last.text, ctx: { now: t.now, contacts: [], asked: last.asked }, label: reading, offered: [last.label], userId: t.actor.id, at: t.now,
  });
  say(t, `记住了：“${last.text}”以后${readingName(reading).replace(/^记下/, '记为')}。`);
  await apply(last.text, reading);
  return true;
}
