/**
 * 赢率模型报告 for directors and admins: the organisation's own model in
 * force — what it was trained on, its time-split backtest (AUC, Brier,
 * calibration) beside the static-field baseline's, and what it learned per
 * feature against the rules' prior — or how many closed deals it still needs.
 *
 *   const r = await getModelReport(pool, actor, now);  // { status: 'learned', model: { backtest: { learned: { auc } } } }
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { chineseDateTime, chineseDay, shanghaiDate } from '../flow/time.js';
import { readSetting } from '../settings/read.js';
import { FEATURES } from './features.js';
import { signalSettings } from './signals.setting.js';
import { loadActiveModel } from './train.js';

/** What each feature measures, as a director reads it; the unit its weight is per. */
const FEATURE_LABELS: Record<string, string> = {
  'stage': '阶段进度（第一阶段到最后阶段）',
  'rule:document.downloaded': '客户按信号规则反复下载文档',
  'documents.downloads': '客户下载文档次数（按 ln(1+次数)）',
  'documents.opens': '客户打开文档次数（按 ln(1+次数)）',
  'rule:decision_maker.met': '近期核验拜访见到决策人',
  'decision_maker.ever': '曾在核验拜访中见到决策人',
  'rule:legal_review.skipped': '跳过法务审核',
  'rule:customer.silent': '客户沉默（信号规则）',
  'silence.months': '距上次有效跟进的月数',
  'rule:stage.dwell': '阶段停留远超常规（信号规则）',
  'dwell.ratio': '阶段停留 ÷ 通常停留',
  'followups.effective_share': '近30天有效跟进占比',
  'followups.count': '近30天跟进次数（按 ln(1+次数)）',
  'rule:evidence.doubtful': '拜访证据存疑（信号规则）',
  'evidence.doubtful_share': '拜访证据存疑的占比',
  'procurement.step': '客户采购进度（预算申报到中标）',
  'buying_centre.roles': '决策链已识别的角色（六种中的占比）',
  'buying_centre.decider_attitude': '决策者态度（支持 +1，反对 −1）',
};

const Metrics = z.object({
  auc: z.number().nullable(), brier: z.number().nullable(),
  calibration: z.array(z.object({ from: z.number(), to: z.number(), count: z.number(), predicted: z.number(), observed: z.number() })),
});

export const ModelReportSchema = z.object({
  status: z.enum(['learned', 'untrained', 'insufficient']),
  closed: z.object({ won: z.number(), lost: z.number() }),
  learnFromEach: z.number(),
  needWon: z.number(), needLost: z.number(),
  model: z.object({
    id: z.number(), trainedAt: z.string(), trainedAtText: z.string(), won: z.number(), lost: z.number(),
    backtest: z.object({
      splitAt: z.string(), splitAtText: z.string(), trainCount: z.number(), testCount: z.number(), snapshots: z.number(),
      learned: Metrics, baseline: Metrics,
    }),
    weights: z.array(z.object({ key: z.string(), label: z.string(), odds: z.number(), priorOdds: z.number() })),
  }).nullable(),
}).openapi('WinModelReport');
export type ModelReport = z.infer<typeof ModelReportSchema>;

export async function getModelReport(db: Db, actor: Actor, now: Date): Promise<ModelReport> {
  assertCan(actor, 'opportunities', 'read');
  if (actor.role !== 'director' && actor.role !== 'admin') throw new AppError('FORBIDDEN', { role: actor.role }, '只有总监和管理员可以查看赢率模型');
  const settings = await readSetting(db, signalSettings);
  const { rows: [c] } = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'won')::int AS won, count(*) FILTER (WHERE status = 'lost')::int AS lost
       FROM opportunities WHERE closed_at IS NOT NULL AND closed_at <= $1`, [now]);
  const need = { needWon: Math.max(0, settings.learnFromEach - c.won), needLost: Math.max(0, settings.learnFromEach - c.lost) };
  const m = await loadActiveModel(db);
  const status = m ? 'learned' : need.needWon || need.needLost ? 'insufficient' : 'untrained';
  return {
    status, closed: { won: c.won, lost: c.lost }, learnFromEach: settings.learnFromEach, ...need,
    model: m && {
      id: m.id, trainedAt: m.trainedAt.toISOString(), trainedAtText: chineseDateTime(m.trainedAt), won: m.won, lost: m.lost,
      backtest: { ...m.backtest, splitAtText: chineseDay(shanghaiDate(new Date(m.backtest.splitAt)), true) },
      weights: FEATURES.map((f, j) => ({
        key: f.key, label: FEATURE_LABELS[f.key] ?? f.key,
        // beta[0] is the intercept
        odds: Math.exp(m.beta[j + 1]), priorOdds: Math.exp(f.prior(settings).mean),
      })),
    },
  };
}
