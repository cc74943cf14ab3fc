/**
 * The signal rules' registry, keyed by kind like the other two families'
 * (core/flow/rules/index.ts, core/alerts/rules/index.ts): one `<kind>.rule.ts`
 * each, registered here; their params are checked with
 * parseRuleParams(SIGNAL_RULES, kind, params) and set in the setting 赢率信号
 * (core/scoring/signals.setting.ts).
 */
import { customerSilentRule } from './customer-silent.rule.js';
import { decisionMakerMetRule } from './decision-maker-met.rule.js';
import { documentDownloadedRule } from './document-downloaded.rule.js';
import { evidenceDoubtfulRule } from './evidence-doubtful.rule.js';
import { followupEffectiveRatioRule } from './followup-effective-ratio.rule.js';
import { legalReviewSkippedRule } from './legal-review-skipped.rule.js';
import type { SignalRuleDefinition } from './signal-rule.js';
import { stageDwellRule } from './stage-dwell.rule.js';

export const SIGNAL_RULES = {
  'document.downloaded': documentDownloadedRule,
  'decision_maker.met': decisionMakerMetRule,
  'legal_review.skipped': legalReviewSkippedRule,
  'customer.silent': customerSilentRule,
  'stage.dwell': stageDwellRule,
  'followup.effective_ratio': followupEffectiveRatioRule,
  'evidence.doubtful': evidenceDoubtfulRule,
} as const satisfies Readonly<Record<string, SignalRuleDefinition<string, any, any>>>;

export type SignalKind = keyof typeof SIGNAL_RULES;
