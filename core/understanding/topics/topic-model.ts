/**
 * The learned obstacle-topic reader: logistic regression over a message's
 * characters, character pairs and words (the learned reader's features, names,
 * dates and numbers as placeholders) naming which pain-point topic it states,
 * or 'none'. Taught by the public utterance table (each line's pain= topics,
 * every other line as 'none') and by the topics' phrasings in the settings
 * (each phrasing, and the topic word itself, an example of its topic) — never by
 * a held-out table. It is asked only when no word or phrasing of the library
 * occurs (read-topics.ts), and it never invents a topic: below the confidence
 * the setting asks for, the words stay free text.
 *
 *   const model = topicModelFor(phrasings);   // trained once per phrasing set (~0.3–1 s)
 *   rankTopics(model, '钱一直压着不给', { now })  // [{ label: '回款慢', p: 0.71 }, { label: 'none', p: 0.12 }, …]
 */
import { featuresOf, type FeatureContext } from '../learned/features.js';
import { predict, trainSoftmax, type Example, type Scored, type SoftmaxModel } from '../learned/softmax.js';
import { publicTrainingLines, TABLE_CONTACTS, TABLE_NOW } from '../learned/training-set.js';
import type { TopicPhrasings } from '../../flow/topic-phrasings.js';

export const NO_TOPIC = 'none';

/** The public table's lines as topic examples: one per topic a line expects, 'none' for a line that expects none. */
export function tableTopicExamples(): Array<Example & { line: number }> {
  const ctx = { now: TABLE_NOW, contacts: TABLE_CONTACTS };
  return publicTrainingLines().flatMap((l) => {
    const features = featuresOf(l.text, { ...ctx, asked: l.context });
    const topics = l.expected.filter((e) => e.startsWith('pain=')).map((e) => e.slice(5));
    return topics.length ? topics.map((label) => ({ line: l.line, label, features })) : [{ line: l.line, label: NO_TOPIC, features }];
  });
}

/** A topic's phrasings (gaps dropped) and its own word, as examples of it. */
export function phrasingExamples(phrasings: TopicPhrasings): Example[] {
  const ctx = { now: TABLE_NOW };
  return Object.entries(phrasings).flatMap(([topic, ps]) => [topic, ...ps]
    .map((p) => p.replace(/…+|\.{3,}/g, ''))
    .filter(Boolean)
    .map((p) => ({ label: topic, features: featuresOf(p, ctx) })));
}

export function trainTopicModel(examples: readonly Example[]): SoftmaxModel {
  return trainSoftmax(examples, { epochs: 30, rate: 0.5, l2: 1e-3 });
}

export interface TrainedTopicModel {
  model: SoftmaxModel;
  examples: number;
  trainMs: number;
}

let table: Array<Example & { line: number }> | null = null;
const trained = new Map<string, TrainedTopicModel>();

/** The model for a set of phrasings (the organisation's setting), trained on first use and kept. */
export function topicModelFor(phrasings: TopicPhrasings): TrainedTopicModel {
  const key = JSON.stringify(phrasings);
  let m = trained.get(key);
  if (!m) {
    const t0 = performance.now();
    table ??= tableTopicExamples();
    const examples = [...table, ...phrasingExamples(phrasings)];
    m = { model: trainTopicModel(examples), examples: examples.length, trainMs: Math.round(performance.now() - t0) };
    // organisations differ in phrasings rarely; a few sets are kept
    if (trained.size >= 8) trained.delete(trained.keys().next().value!);
    trained.set(key, m);
  }
  return m;
}

/** Every topic (and 'none') with its probability, best first. */
export function rankTopics(model: SoftmaxModel, text: string, ctx: FeatureContext): Scored[] {
  return predict(model, featuresOf(text, ctx));
}
