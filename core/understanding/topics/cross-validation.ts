/**
 * How well the learned topic reader names topics of lines it did not learn:
 * k-fold cross-validation over the public table (line i in fold i mod k; the
 * phrasings always taught), printed by `npm run bench -- understanding`.
 * Counted on the lines that state a topic, and on those that state none
 * (where naming any topic is inventing one).
 *
 *   crossValidateTopics(10, phrasings, { confidence: 0.6, margin: 0.2 })
 *   // { pains: { lines, acted, right }, none: { lines, invented } }
 */
import { predict } from '../learned/softmax.js';
import type { TopicPhrasings } from '../../flow/topic-phrasings.js';
import { NO_TOPIC, phrasingExamples, tableTopicExamples, trainTopicModel } from './topic-model.js';

export interface TopicCrossValidation {
  /** Lines that state a topic: how many, how many the reader would name a topic for, how many of those rightly. */
  pains: { lines: number; acted: number; right: number };
  /** Lines that state none: how many, and on how many the reader would name one anyway. */
  none: { lines: number; invented: number };
}

export function crossValidateTopics(k: number, phrasings: TopicPhrasings, sure: { confidence: number; margin: number }): TopicCrossValidation {
  const table = tableTopicExamples();
  const taught = phrasingExamples(phrasings);
  const out: TopicCrossValidation = { pains: { lines: 0, acted: 0, right: 0 }, none: { lines: 0, invented: 0 } };
  for (let fold = 0; fold < k; fold++) {
    const model = trainTopicModel([...table.filter((e) => e.line % k !== fold), ...taught]);
    for (const e of table.filter((x) => x.line % k === fold)) {
      const ranked = predict(model, e.features);
      const none = ranked.find((r) => r.label === NO_TOPIC)?.p ?? 0;
      const [a, b] = ranked.filter((r) => r.label !== NO_TOPIC);
      const acts = a.p > none && a.p >= sure.confidence && (!b || a.p - b.p >= sure.margin);
      if (e.label === NO_TOPIC) {
        out.none.lines++;
        if (acts) out.none.invented++;
      } else {
        out.pains.lines++;
        if (acts) { out.pains.acted++; if (a.label === e.label) out.pains.right++; }
      }
    }
  }
  return out;
}
