/**
 * The organisation's own model, applied: its coefficients over the deal's
 * features give the probability; each factor's reason is its share of the
 * score compared with the average closed deal it learned from, in points.
 *
 *   const s = learnedScore(model, facts, settings);
 *   s.reasons[0].text // '客户下载分享的文档4次，打开6次：+12 个百分点'
 */
import type { ScoreFacts } from './facts.js';
import { FACTOR_TEXT, FEATURES, featureVector, type FactorKey } from './features.js';
import { linearPredictor } from './logistic.js';
import { ppText, type FiredSignal, type Reason, type ScoreResult } from './prior-model.js';
import type { SignalSettings } from './signals.setting.js';

export interface LearnedModel {
  id: number;
  /** Intercept first, then one per FEATURES entry. */
  beta: number[];
  /** Each feature's mean over the training deals: the "average deal" reasons compare with. */
  means: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Effects under half a point are not worth a line. */
const SHOWN_PP = 0.5;

/** `fired`: the deal's signals when the caller has them already (the nightly scoring pushes them too). */
export function learnedScore(model: LearnedModel, facts: ScoreFacts, settings: SignalSettings, fired?: readonly FiredSignal[]): ScoreResult {
  const x = featureVector(facts, settings, fired);
  const z = linearPredictor(model.beta, x);
  const probability = sigmoid(z);
  const share = new Map<FactorKey, number>();
  FEATURES.forEach((f, j) => share.set(f.factor, (share.get(f.factor) ?? 0) + model.beta[j + 1] * (x[j] - model.means[j])));
  let others = 0;
  const reasons: Reason[] = [];
  for (const [factor, c] of share) {
    if (factor === 'stage') continue;
    others += c;
    const pp = (probability - sigmoid(z - c)) * 100;
    if (Math.abs(pp) >= SHOWN_PP) reasons.push({ kind: factor, text: `${FACTOR_TEXT[factor](facts)}：${ppText(pp)}`, pp });
  }
  reasons.sort((a, b) => Math.abs(b.pp) - Math.abs(a.pp));
  return { probability, base: sigmoid(z - others), reasons };
}
