/**
 * Which obstacle topic a rep's words state, when neither a library word nor
 * one of its phrasings occurs (phrasings.ts): the learned topic reader
 * (topic-model.ts) decides only when it is sure — at least the setting's
 * confidence, and the setting's margin clear of the runner-up. When it only
 * leans, the bot asks (这是不是『价格偏高』的问题？); below that the words
 * stay free text. Only the library's own topics are ever named. Words a rep
 * answered that question for are read as answered (org-reader's rememberedTopic).
 *
 *   const guess = topicGuesserFor(words, setting);
 *   guess('钱一直压着不给', { now })  // { verdict: 'act', topic: '回款慢', p: 0.74, choices: ['回款慢'] }
 */
import type { TopicGuess } from '../extract-slots.js';
import type { FeatureContext } from '../learned/features.js';
import { rememberedTopic } from '../learned/org-reader.js';
import { topicReaderFor, type TopicPhrasings } from '../../flow/topic-phrasings.js';
import type { SoftmaxModel } from '../learned/softmax.js';
import { NO_TOPIC, rankTopics, topicModelFor } from './topic-model.js';

export interface TopicReadingSettings {
  phrasings: TopicPhrasings;
  /** The reader names a topic at this probability or more … */
  confidence: number;
  /** … when the next topic is at least this much less likely. */
  margin: number;
}

export type { TopicGuess };

export type TopicGuesser = (text: string, ctx: FeatureContext) => TopicGuess;

export function topicGuesserFor(words: readonly string[], settings: TopicReadingSettings): TopicGuesser {
  const inLibrary = new Set(words);
  const phrased = topicReaderFor(words, settings.phrasings);
  // trained on the first message that needs it, not when the settings are read
  let model: SoftmaxModel | null = null;
  return (text, ctx) => {
    // the same words a rep answered before (是 / 都不是 to 这是不是『…』的问题): read as answered, not asked again
    const remembered = rememberedTopic(text, ctx);
    if (remembered === null) return { verdict: 'none', choices: [], p: 0 };
    if (remembered !== undefined && inLibrary.has(remembered)) return { verdict: 'act', choices: [remembered], p: 1 };
    model ??= topicModelFor(settings.phrasings).model;
    // a topic whose phrasing the words negate (货不够卖, 不贵) is not what they say, however alike they look
    const negated = new Set(phrased(text).negated);
    const ranked = rankTopics(model, text, ctx).filter((r) => !negated.has(r.label));
    const none = ranked.find((r) => r.label === NO_TOPIC)?.p ?? 0;
    const [a, b] = ranked.filter((r) => inLibrary.has(r.label));
    // below half the confidence it takes to act, the reader has no opinion worth a question
    const floor = settings.confidence / 2;
    if (!a || a.p < floor || a.p <= none) return { verdict: 'none', choices: [], p: a?.p ?? 0 };
    if (a.p >= settings.confidence && (!b || a.p - b.p >= settings.margin)) return { verdict: 'act', choices: [a.label], p: a.p };
    const close = b && b.p >= floor / 2 ? [a.label, b.label] : [a.label];
    return { verdict: 'ask', choices: close, p: a.p };
  };
}
