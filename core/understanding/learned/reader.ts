/**
 * The learned fallback: a logistic-regression reader trained on the public
 * utterance table (training-set.ts) that names the family of a message the
 * hand-written rules are silent on — a command, a yes/no, a role, a stance, a
 * personnel change, a date, report content, or nothing. The rules keep
 * precedence wherever they match with confidence (intent-router.ts); the
 * slot extractors then fill what the family needs (slots.ts), so the person
 * is still resolved by the contact resolution that asks, never guessed here.
 *
 * Trained once per process on first use, from the public table only
 * (deterministic: same table, same weights; ~0.5–1.5 s, most of it jieba
 * segmenting ~650 lines). warmUpLearnedReader() does it at start-up.
 *
 *   readLearned('孙丽对我们有点意见', { now, contacts })
 *   // { label: 'stance:反对', p: 0.81, second: { label: 'none', p: 0.06 }, verdict: 'act', why: [...] }
 */
import { featuresOf, type FeatureContext } from './features.js';
import { predict, strongestFeatures, trainSoftmax, type Example, type Scored, type SoftmaxModel } from './softmax.js';
import { publicTrainingLines, TABLE_CONTACTS, TABLE_NOW } from './training-set.js';

/**
 * When the reader acts, asks or stays silent: the admin setting 机器人理解的把握 (thresholds.setting.ts) —
 * it acts on its best family from `confidence` when the runner-up is `margin` behind, asks from `askFloor`.
 * The defaults were chosen on the public table's 10-fold cross-validation (npm run bench -- understanding).
 */
export interface LearnedThresholds {
  confidence: number;
  margin: number;
  askFloor: number;
}
export const DEFAULT_THRESHOLDS: LearnedThresholds = { confidence: 0.6, margin: 0.2, askFloor: 0.35 };

export type LearnedVerdict = 'act' | 'ask' | 'none';

export interface LearnedReading {
  /** The family: 'cmd:my_tasks', 'yes', 'role:决策者', 'stance:反对', 'change:left', 'date', 'content', 'none'. */
  label: string;
  p: number;
  second: Scored | null;
  verdict: LearnedVerdict;
  /** The features that pushed the label most: why it was read so. */
  why: Array<{ feature: string; weight: number }>;
}

export interface TrainedReader {
  model: SoftmaxModel;
  examples: number;
  trainMs: number;
}

let trained: TrainedReader | null = null;

let publicMemo: Array<Example & { line: number }> | null = null;

/** The public table's lines as training examples, with their own moment and customer for the placeholders (segmented once per process). */
export function publicExamples(): Array<Example & { line: number }> {
  publicMemo ??= publicTrainingLines().map((l) => ({
    line: l.line, label: l.label, features: featuresOf(l.text, { now: TABLE_NOW, contacts: TABLE_CONTACTS, asked: l.context }),
  }));
  return publicMemo;
}

export function trainReader(examples: readonly Example[]): SoftmaxModel {
  return trainSoftmax(examples, { epochs: 40, rate: 0.5, l2: 1e-3 });
}

export function warmUpLearnedReader(): TrainedReader {
  if (!trained) {
    const t0 = performance.now();
    const examples = publicExamples();
    const model = trainReader(examples);
    trained = { model, examples: examples.length, trainMs: Math.round(performance.now() - t0) };
  }
  return trained;
}

/** What the verdict on a ranking is, by the thresholds in force. */
export function verdictOf(ranked: readonly Scored[], th: LearnedThresholds = DEFAULT_THRESHOLDS): LearnedVerdict {
  const [a, b] = ranked;
  if (!a || a.label === 'none') return 'none';
  if (a.p >= th.confidence && (!b || a.p - b.p >= th.margin)) return 'act';
  return a.p >= th.askFloor ? 'ask' : 'none';
}

/** A stance read against the message's lean (features.ts): "对我们一直很冷" read as 支持 is asked, not recorded. */
const AGAINST_LEAN: Record<string, { lean: string; other: string }> = {
  'stance:支持': { lean: 'pol:neg', other: 'stance:反对' },
  'stance:反对': { lean: 'pol:pos', other: 'stance:支持' },
};

export function readWith(model: SoftmaxModel, text: string, ctx: FeatureContext, th: LearnedThresholds = DEFAULT_THRESHOLDS): LearnedReading {
  const features = featuresOf(text, ctx);
  const ranked = predict(model, features);
  const [a, b] = ranked;
  const why = strongestFeatures(model, features, a.label);
  const against = AGAINST_LEAN[a.label];
  if (against && features.includes(against.lean)) {
    const other = ranked.find((r) => r.label === against.other)!;
    return { label: a.label, p: a.p, second: other, verdict: a.p >= th.askFloor ? 'ask' : 'none', why };
  }
  return { label: a.label, p: a.p, second: b ?? null, verdict: verdictOf(ranked, th), why };
}

/** The public table's reader, with the default thresholds (the organisation's is org-reader.ts readForOrganisation). */
export function readLearned(text: string, ctx: FeatureContext): LearnedReading {
  return readWith(warmUpLearnedReader().model, text, ctx);
}
