/**
 * How well the learned reader does on lines it did not train on: k-fold
 * cross-validation over the public table (line i is in fold i mod k), so the
 * number cannot be tuned by editing a few lines. Printed by
 * `npm run bench -- understanding`, and by each retraining of an
 * organisation's reader (org-reader.ts) over its examples too.
 *
 *   const cv = crossValidate(10);  // { accuracy: 0.83, confident: { share, accuracy }, … }
 */
import { predict, type Example, type Scored } from './softmax.js';
import { DEFAULT_THRESHOLDS, publicExamples, trainReader, verdictOf, type LearnedThresholds } from './reader.js';

export interface CrossValidation {
  k: number;
  lines: number;
  /** Share of lines whose best label was right. */
  accuracy: number;
  /** Lines the reader would act on (verdict act): how many, and how often right. */
  acted: { share: number; accuracy: number };
  /** Lines it would ask about. */
  asked: { share: number };
  /** Per family (the label before ':'), lines and right. */
  byFamily: Record<string, { lines: number; right: number }>;
}

/** Each line's ranking by a model trained on the other folds, in the examples' order. */
export function foldRankings(k: number, examples: ReadonlyArray<Example>): Scored[][] {
  const out: Scored[][] = new Array(examples.length);
  for (let fold = 0; fold < k; fold++) {
    const model = trainReader(examples.filter((_, i) => i % k !== fold));
    examples.forEach((e, i) => { if (i % k === fold) out[i] = predict(model, e.features); });
  }
  return out;
}

export function crossValidate(k = 10, examples: ReadonlyArray<Example> = publicExamples(), th: LearnedThresholds = DEFAULT_THRESHOLDS): CrossValidation {
  let right = 0;
  let acted = 0;
  let actedRight = 0;
  let asked = 0;
  const byFamily: CrossValidation['byFamily'] = {};
  foldRankings(k, examples).forEach((ranked, i) => {
    const e = examples[i];
    const ok = ranked[0].label === e.label;
    const family = (byFamily[e.label.split(':')[0]] ??= { lines: 0, right: 0 });
    family.lines++;
    if (ok) { right++; family.right++; }
    const verdict = verdictOf(ranked, th);
    if (verdict === 'act') { acted++; if (ok) actedRight++; }
    if (verdict === 'ask') asked++;
  });
  const n = examples.length;
  return {
    k, lines: n, accuracy: right / n, acted: { share: acted / n, accuracy: acted ? actedRight / acted : 0 }, asked: { share: asked / n }, byFamily,
  };
}
