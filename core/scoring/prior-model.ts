/**
 * The prior win score, pure: the stage's base chance, moved by every signal
 * that fires, combined in log-odds (so effects stack and the result stays in
 * 0–1), each signal reported by the percentage points it made — the score
 * with it minus the score without it.
 *
 *   const s = priorScore(facts, settings);
 *   s.probability // 0.41; s.reasons[0].text // '客户3天内下载《延长质保条款》4次：+5 个百分点'
 */
import type { ScoreFacts } from './facts.js';
import type { Signal } from './rules/signal-rule.js';
import { SIGNAL_SLOTS, type SignalSettings, type SignalSlot } from './signals.setting.js';

export interface FiredSignal extends Signal {
  kind: string;
}

export interface Reason {
  kind: string;
  /** Chinese, with the effect: '跳过了法务审核：-8 个百分点'. */
  text: string;
  /** The effect in percentage points (score with it − score without it). */
  pp: number;
  evidence?: Record<string, unknown>;
}

export interface ScoreResult {
  probability: number;
  base: number;
  /** Every fired signal, largest effect first. */
  reasons: Reason[];
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The stage's chance alone: from the first stage's to the last's, evenly by position. */
export function stageBase(s: Pick<SignalSettings, 'firstStagePercent' | 'lastStagePercent'>, index: number, count: number): number {
  const t = count <= 1 ? 0 : (Math.min(Math.max(index, 1), count) - 1) / (count - 1);
  return (s.firstStagePercent + (s.lastStagePercent - s.firstStagePercent) * t) / 100;
}

export function fireSignals(facts: ScoreFacts, settings: SignalSettings): FiredSignal[] {
  const out: FiredSignal[] = [];
  for (const slot of Object.keys(SIGNAL_SLOTS) as SignalSlot[]) {
    // the slot's settings as they are, `enabled` and all: a rest copy per slot and deal cost a scoring of 100k deals ~0.2 s
    const params = settings[slot];
    if (!params.enabled) continue;
    const rule = SIGNAL_SLOTS[slot];
    const signal = (rule.check as (f: ScoreFacts, p: unknown) => Signal | null)(facts, params);
    if (signal) out.push({ kind: rule.kind, ...signal });
  }
  return out;
}

/** Base and signals (weights in log-odds) to a probability with each signal's effect in points. */
export function combine(base: number, signals: readonly FiredSignal[]): ScoreResult {
  const b = logit(Math.min(Math.max(base, 0.001), 0.999));
  const total = signals.reduce((x, s) => x + s.weight, b);
  const probability = sigmoid(total);
  const reasons = signals.map((s) => {
    const pp = (probability - sigmoid(total - s.weight)) * 100;
    return { kind: s.kind, text: `${s.reason}：${ppText(pp)}`, pp, ...(s.evidence ? { evidence: s.evidence } : {}) };
  }).sort((x, y) => Math.abs(y.pp) - Math.abs(x.pp));
  return { probability, base, reasons };
}

/** `fired`: the deal's signals when the caller has them already (the nightly scoring pushes them too). */
export function priorScore(facts: ScoreFacts, settings: SignalSettings, fired = fireSignals(facts, settings)): ScoreResult {
  return combine(stageBase(settings, facts.stageIndex, facts.stageCount), fired);
}

/** '+9 个百分点', '-3 个百分点', '+不到1个百分点'. */
export function ppText(pp: number): string {
  const sign = pp >= 0 ? '+' : '-';
  const n = Math.round(Math.abs(pp));
  return n === 0 ? `${sign}不到1个百分点` : `${sign}${n} 个百分点`;
}
