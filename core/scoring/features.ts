/**
 * The learned model's features: numbers read from a deal's facts — what
 * happened in it (documents the customer read, the decision maker met, legal
 * review skipped, silence, days in the stage, follow-ups, its visits' evidence
 * verdicts, the customer's procurement progress, the buying centre's coverage
 * and the decider's attitude), each signal rule's verdict, and the stage as a
 * covariate — never static firmographics. Features
 * come in factors: a reason is one factor's share of the score, in Chinese.
 *
 *   const x = featureVector(facts, settings);            // FEATURES.length numbers
 *   FACTORS.find((f) => f.key === 'documents')!.text(facts) // '客户下载分享的文档4次，打开6次'
 */
import { BUYING_ROLES } from '../flow/buying-centre.js';
import { DAY_MS } from '../flow/time.js';
import { PROCUREMENT_STAGE_LABELS, PROCUREMENT_STAGES } from '../profile/procurement.js';
import type { ScoreFacts } from './facts.js';
import { fireSignals, type FiredSignal } from './prior-model.js';
import type { SignalSettings } from './signals.setting.js';

export type FactorKey = 'stage' | 'documents' | 'decisionMaker' | 'legalReview' | 'silence' | 'dwell' | 'followups'
  | 'evidence' | 'procurement' | 'buyingCentre';

export interface Feature {
  key: string;
  factor: FactorKey;
  /** The prior's coefficient (log-odds per unit) and its strength (how many deals' worth it weighs). */
  prior(s: SignalSettings): { mean: number; strength: number };
  value(f: ScoreFacts, fired: ReadonlySet<string>): number;
}

const logit = (p: number) => Math.log(p / (1 - p));
const days = (f: ScoreFacts, since: Date) => Math.max(0, (f.asOf.getTime() - since.getTime()) / DAY_MS);
const downloads = (f: ScoreFacts) => f.documents.reduce((n, d) => n + d.downloads.length, 0);
const opens = (f: ScoreFacts) => f.documents.reduce((n, d) => n + d.opens.length, 0);
const silentDays = (f: ScoreFacts) => days(f, f.lastEffectiveFollowupAt ?? f.createdAt);
const visits = (f: ScoreFacts) => f.visitEvidence.trusted + f.visitEvidence.doubtful;
const doubtfulShare = (f: ScoreFacts) => (visits(f) ? f.visitEvidence.doubtful / visits(f) : 0);
/** A decider who supports us counts +1, one who opposes −1; neutral or not known 0. */
const ATTITUDE_VALUE = { support: 1, neutral: 0, oppose: -1 } as const;
const ATTITUDE_TEXT = { support: '支持', neutral: '中立', oppose: '反对' } as const;
const dwellRatio = (f: ScoreFacts) => (f.stageNormDays ? days(f, f.stageEnteredAt) / Math.max(1, f.stageNormDays) : 1);

/** A rule's verdict as a 0/1 feature whose prior is the rule's own odds. */
const ruleFeature = (kind: string, factor: FactorKey, odds: (s: SignalSettings) => number): Feature => ({
  key: `rule:${kind}`, factor, prior: (s) => ({ mean: Math.log(odds(s)), strength: 5 }),
  value: (_f, fired) => (fired.has(kind) ? 1 : 0),
});
const measured = (key: string, factor: FactorKey, value: (f: ScoreFacts) => number): Feature => ({
  key, factor, prior: () => ({ mean: 0, strength: 1 }), value: (f) => value(f),
});

export const FEATURES: readonly Feature[] = [
  {
    key: 'stage', factor: 'stage', value: (f) => (f.stageCount <= 1 ? 0 : (f.stageIndex - 1) / (f.stageCount - 1)),
    prior: (s) => ({ mean: logit(s.lastStagePercent / 100) - logit(s.firstStagePercent / 100), strength: 2 }),
  },
  ruleFeature('document.downloaded', 'documents', (s) => s.documentDownloaded.odds),
  measured('documents.downloads', 'documents', (f) => Math.log1p(downloads(f))),
  measured('documents.opens', 'documents', (f) => Math.log1p(opens(f))),
  ruleFeature('decision_maker.met', 'decisionMaker', (s) => s.decisionMakerMet.odds),
  measured('decision_maker.ever', 'decisionMaker', (f) => (f.decisionMakerMetAt ? 1 : 0)),
  ruleFeature('legal_review.skipped', 'legalReview', (s) => s.legalReviewSkipped.odds),
  ruleFeature('customer.silent', 'silence', (s) => s.customerSilent.odds),
  measured('silence.months', 'silence', (f) => Math.min(silentDays(f), 180) / 30),
  ruleFeature('stage.dwell', 'dwell', (s) => s.stageDwell.odds),
  measured('dwell.ratio', 'dwell', (f) => Math.min(dwellRatio(f), 6)),
  measured('followups.effective_share', 'followups', (f) => (f.followups30d.total ? f.followups30d.effective / f.followups30d.total : 0)),
  measured('followups.count', 'followups', (f) => Math.log1p(f.followups30d.total)),
  ruleFeature('evidence.doubtful', 'evidence', (s) => s.evidenceDoubtful.odds),
  measured('evidence.doubtful_share', 'evidence', (f) => doubtfulShare(f)),
  measured('procurement.step', 'procurement', (f) => f.procurementStep / PROCUREMENT_STAGES.length),
  measured('buying_centre.roles', 'buyingCentre', (f) => f.buyingCentre.roles / BUYING_ROLES.length),
  measured('buying_centre.decider_attitude', 'buyingCentre', (f) => ATTITUDE_VALUE[f.buyingCentre.deciderAttitude ?? 'neutral']),
];

/** The intercept's prior: the first stage's base chance, weakly held. */
export const interceptPrior = (s: SignalSettings) => ({ mean: logit(s.firstStagePercent / 100), strength: 0.01 });

export function featureVector(f: ScoreFacts, s: SignalSettings, signals: readonly FiredSignal[] = fireSignals(f, s)): number[] {
  const fired = new Set(signals.map((x) => x.kind));
  return FEATURES.map((feat) => feat.value(f, fired));
}

/** What each factor says about a deal, in Chinese: the reason's words (its effect is added by the caller). */
export const FACTOR_TEXT: Record<Exclude<FactorKey, 'stage'>, (f: ScoreFacts) => string> = {
  documents: (f) => {
    const d = downloads(f);
    const o = opens(f);
    if (!f.documents.length) return '没有给客户分享过文档';
    return d || o ? `客户下载分享的文档${d}次，打开${o}次` : '客户还没打开过分享的文档';
  },
  decisionMaker: (f) => (f.decisionMakerMetAt ? '核验拜访见到了决策人' : '还没有在核验拜访中见到决策人'),
  legalReview: (f) => (f.legalReviewSkipped ? '跳过了法务审核' : '走了法务审核'),
  silence: (f) => {
    const n = Math.floor(silentDays(f));
    return f.lastEffectiveFollowupAt ? `客户${n}天没有有效跟进` : `商机建立${n}天，还没有有效跟进`;
  },
  dwell: (f) => {
    const n = Math.floor(days(f, f.stageEnteredAt));
    return f.stageNormDays ? `在「${f.stageName}」已停留${n}天（通常${Math.max(1, Math.round(f.stageNormDays))}天）` : `在「${f.stageName}」已停留${n}天`;
  },
  followups: (f) => `近30天有效跟进${f.followups30d.effective}/${f.followups30d.total}次`,
  evidence: (f) => {
    if (!visits(f)) return '还没有核验过的拜访';
    return f.visitEvidence.doubtful ? `${visits(f)}次拜访中${f.visitEvidence.doubtful}次证据存疑` : `${visits(f)}次拜访的证据均可信`;
  },
  procurement: (f) => (f.procurementStep
    ? `客户采购进度：${PROCUREMENT_STAGE_LABELS[PROCUREMENT_STAGES[f.procurementStep - 1]]}`
    : '还没有客户采购进度的记录'),
  buyingCentre: (f) => {
    const { roles, deciderAttitude } = f.buyingCentre;
    const who = roles ? `决策链已识别${roles}种角色` : '决策链还没有识别角色';
    return deciderAttitude ? `${who}，决策者态度${ATTITUDE_TEXT[deciderAttitude]}` : who;
  },
};
