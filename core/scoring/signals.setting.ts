/**
 * 赢率信号: the prior win score's numbers — the chance a deal has from its
 * stage alone (rising from the first stage to the last), and each signal
 * rule's params and odds multiplier, or off. Admins tune them;
 * the organisation's own model (once it has enough closed deals) learns its
 * own weights and these stay its prior.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { previewSignalChange } from './signals-preview.js';
import { customerSilentRule } from './rules/customer-silent.rule.js';
import { decisionMakerMetRule } from './rules/decision-maker-met.rule.js';
import { documentDownloadedRule } from './rules/document-downloaded.rule.js';
import { evidenceDoubtfulRule } from './rules/evidence-doubtful.rule.js';
import { followupEffectiveRatioRule } from './rules/followup-effective-ratio.rule.js';
import { legalReviewSkippedRule } from './rules/legal-review-skipped.rule.js';
import { stageDwellRule } from './rules/stage-dwell.rule.js';

const Enabled = z.boolean().meta({ title: '启用' });
const Percent = (title: string) => z.number().int().min(1, '应在1–99%之间').max(99, '应在1–99%之间').meta({ title, unit: '%' });

/** The setting's key for each kind (a kind's dots would read as a path in the form). */
export const SIGNAL_SLOTS = {
  documentDownloaded: documentDownloadedRule,
  decisionMakerMet: decisionMakerMetRule,
  legalReviewSkipped: legalReviewSkippedRule,
  customerSilent: customerSilentRule,
  stageDwell: stageDwellRule,
  followupEffectiveRatio: followupEffectiveRatioRule,
  evidenceDoubtful: evidenceDoubtfulRule,
} as const;
export type SignalSlot = keyof typeof SIGNAL_SLOTS;

export const SignalSettingsSchema = z.strictObject({
  // fewer than 20 of each and a model learns noise (issue #20's floor); more makes it wait longer
  learnFromEach: z.number().int().min(20, '应在20–1000个之间').max(1000, '应在20–1000个之间').meta({ title: '训练本组织模型至少需要赢单、输单各', unit: '个' }),
  firstStagePercent: Percent('第一阶段的基础赢率'),
  lastStagePercent: Percent('最后阶段的基础赢率'),
  documentDownloaded: documentDownloadedRule.schema.extend({ enabled: Enabled }).meta({ title: documentDownloadedRule.label }),
  decisionMakerMet: decisionMakerMetRule.schema.extend({ enabled: Enabled }).meta({ title: decisionMakerMetRule.label }),
  legalReviewSkipped: legalReviewSkippedRule.schema.extend({ enabled: Enabled }).meta({ title: legalReviewSkippedRule.label }),
  customerSilent: customerSilentRule.schema.extend({ enabled: Enabled }).meta({ title: customerSilentRule.label }),
  stageDwell: stageDwellRule.schema.extend({ enabled: Enabled }).meta({ title: stageDwellRule.label }),
  followupEffectiveRatio: followupEffectiveRatioRule.schema.extend({ enabled: Enabled }).meta({ title: followupEffectiveRatioRule.label }),
  // a value stored before this rule existed gets its default (else the whole stored value would fail to parse and be dropped)
  evidenceDoubtful: evidenceDoubtfulRule.schema.extend({ enabled: Enabled }).meta({ title: evidenceDoubtfulRule.label })
    .default(() => ({ enabled: true, minDoubtful: 1, odds: 0.75 })),
});
export type SignalSettings = z.output<typeof SignalSettingsSchema>;

export const signalSettings = defineSetting({
  key: 'scoring.signals',
  topic: 'flow',
  label: '赢率信号',
  help: '商机赢率的先验：各阶段的基础赢率，以及每条信号规则的条件和它让赢单几率乘以几倍（小于1为降低）。效果按对数几率叠加，赢率始终在0–100%之间。',
  schema: SignalSettingsSchema,
  default: {
    learnFromEach: 20,
    firstStagePercent: 10,
    lastStagePercent: 90,
    // the seed's rule: 延长质保条款 shared in 技术方案确认 (商务谈判), downloaded 3+ times in 3 days → odds × 1.23
    documentDownloaded: { enabled: true, tag: '延长质保条款', stage: 'negotiation', minDownloads: 3, withinDays: 3, odds: 1.23, pack: '同类客户质保谈判话术包' },
    decisionMakerMet: { enabled: true, withinDays: 60, odds: 1.8 },
    legalReviewSkipped: { enabled: true, odds: 0.6 },
    customerSilent: { enabled: true, days: 14, odds: 0.6 },
    stageDwell: { enabled: true, overNorm: 2, odds: 0.7 },
    followupEffectiveRatio: { enabled: true, minFollowups: 3, lowPercent: 50, lowOdds: 0.8, highPercent: 80, highOdds: 1.2 },
    evidenceDoubtful: { enabled: true, minDoubtful: 1, odds: 0.75 },
  },
  scopes: { department: false, customerType: 'none' },
  editors: { organisation: ['admin'] },
  preview: (db, change) => previewSignalChange(db, change),
});
