/**
 * A pain said in words the library does not have, which the learned topic
 * reader only leans on (core/understanding/topics): the bot asks
 * 这是不是『价格偏高』的问题？ (or which of two) before filing the words under a
 * topic. The answer files them, through the same path as a sure reading; 不是 /
 * 都不是 keeps them in the memo without a topic — a topic is never invented. The answer is kept as the
 * organisation's example (机器人学到的说法): the same words are then read as answered, not asked again.
 *
 *   if (slots.topicQuestion) return askWhichTopic(t, s.row.id, text, slots.topicQuestion);
 *   // next message: answerWhichTopic(t, p, text, cmd !== null)
 */
import { ordinalIn } from '../../core/understanding/decision-chain.js';
import { isNo, isYes } from '../../core/understanding/intents.js';
import { recordTopicAnswer } from '../../core/understanding/learned/org-examples.js';
import { applySlots } from './apply-text.js';
import { openSession } from './session.js';
import type { PendingQuestion } from './state.js';
import { say, setPending, type Turn } from './turn.js';

type WhichTopic = Extract<PendingQuestion, { kind: 'which_topic' }>;

const ANSWER_NAMING = /^(不是|不对|是|应该是|算是|属于|其实是)|的问题$|方面$/;

export function askWhichTopic(t: Turn, actionId: number, text: string, topics: string[]): true {
  setPending(t, { kind: 'which_topic', actionId, text, topics });
  say(t, topics.length === 1
    ? `这是不是『${topics[0]}』的问题？回复“是”就记到这个客户痛点，“不是”就只记进纪要。`
    : `这是不是『${topics[0]}』的问题？${topics.map((x, i) => `${i + 1}.${x}`).join(' ')} ${topics.length + 1}.都不是（回复序号）`);
  return true;
}

/**
 * The answer: a number, 是, or a topic's name files the words — one offered, or another the rep names in the
 * library's words or phrasings (不是，是账期的问题); 不是 keeps them untopiced. Either answer is kept as the
 * organisation's example, so the same words are read so next time. False when it is not an answer.
 */
export async function answerWhichTopic(t: Turn, p: WhichTopic, text: string, isCommand: boolean): Promise<boolean> {
  const said = text.trim();
  const i = ordinalIn(said);
  const offered = (i !== null ? p.topics[i - 1] : undefined)
    ?? p.topics.find((x) => said.includes(x))
    ?? (p.topics.length === 1 && isYes(said) ? p.topics[0] : undefined);
  const s = offered || isCommand ? null : await openSession(t, p.actionId);
  // 不是，是账期的问题 names the topic meant; a new message about another pain is not an answer to this one
  const named = s && ANSWER_NAMING.test(said) ? s.vocab.topics.matchPainPoints(said)[0] : undefined;
  const topic = offered ?? named;
  const none = !topic && (/都不是/.test(said) || isNo(said) || i === p.topics.length + 1);
  if (!topic && !none) {
    if (isCommand) { setPending(t, null); return false; }
    say(t, p.topics.length === 1 ? '回复“是”或“不是”。' : `回复序号：${p.topics.map((x, n) => `${n + 1}.${x}`).join(' ')} ${p.topics.length + 1}.都不是`);
    return true;
  }
  setPending(t, null);
  const session = s ?? await openSession(t, p.actionId);
  if (!session) { say(t, '这份报告已经提交或关闭了，这句没有记录。'); return true; }
  await recordTopicAnswer(t.db, { text: p.text, topic: topic ?? null, offered: p.topics, userId: t.actor.id, at: t.now });
  await applySlots(t, session, { fields: [], painPoints: topic ? [topic] : [], transcript: p.text, correction: false }, p.text);
  return true;
}
