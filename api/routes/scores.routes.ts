import { z } from 'zod';
import { assertCan } from '../../core/auth/permissions.js';
import { AppError } from '../../core/errors.js';
import { IdParams } from '../../core/resources/schemas.js';
import { getOpportunityScore, listOpportunityScores, ListScoresQuery, OpportunityScoreSchema } from '../../core/scoring/scores.js';
import { getModelReport, ModelReportSchema } from '../../core/scoring/model-report.js';
import { trainOrgModel } from '../../core/scoring/train.js';
import { pushTalkTracks } from '../../core/talk-tracks/push.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const Metrics = z.object({
  auc: z.number().nullable(), brier: z.number().nullable(),
  calibration: z.array(z.object({ from: z.number(), to: z.number(), count: z.number(), predicted: z.number(), observed: z.number() })),
});
const TrainReportSchema = z.union([
  z.object({ status: z.literal('insufficient'), won: z.number(), lost: z.number(), needWon: z.number(), needLost: z.number() }),
  z.object({
    status: z.literal('learned'), modelId: z.number(), won: z.number(), lost: z.number(), ms: z.number(),
    backtest: z.object({ splitAt: z.string(), trainCount: z.number(), testCount: z.number(), snapshots: z.number(), learned: Metrics, baseline: Metrics }),
  }),
]);

/** Win scores: one deal's (as stored, with reasons and history; scored first while an event has it queued), the stored scores of the open deals in scope, and training. */
export function registerScoreRoutes(kit: RouteKit): void {
  const tags = ['scoring'];
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities/{id}/score', operationId: 'getOpportunityScore', tags,
    summary: '商机赢率：概率、模型、前三个原因（各自影响的百分点）和历史',
    params: IdParams, response: OpportunityScoreSchema,
    handler: ({ db, actor, params }) => getOpportunityScore(db, actor, params.id, kit.deps.now(), { onSignals: pushTalkTracks(kit.deps.config.publicUrl) }),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/opportunity-scores', operationId: 'listOpportunityScores', tags,
    summary: '进行中商机的赢率（按权限范围，赢率从高到低，最多500个）',
    query: ListScoresQuery, response: z.object({ items: z.array(OpportunityScoreSchema.omit({ history: true, reasons: true })) }),
    handler: ({ db, actor, query }) => listOpportunityScores(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/scoring/model', operationId: 'getWinModelReport', tags,
    summary: '本组织赢率模型（总监、管理员）：训练用的赢单与输单数、按时间切分的回测（AUC、Brier、校准）与静态字段基线并列、各特征学到的权重与规则先验；不足时说明还差多少',
    response: ModelReportSchema,
    handler: ({ db, actor }) => getModelReport(db, actor, kit.deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/scoring/model/train', operationId: 'trainWinModel', tags, status: 200, heavy: true,
    summary: '立即用已结商机训练本组织的赢率模型（总监、管理员；每晚也会自动训练）；已结商机不足时说明还差多少',
    response: TrainReportSchema,
    handler: ({ db, actor }) => {
      assertCan(actor, 'opportunities', 'read');
      if (actor.role !== 'director' && actor.role !== 'admin') throw new AppError('FORBIDDEN', { role: actor.role }, '只有总监和管理员可以训练赢率模型');
      return trainOrgModel(db, kit.deps.now());
    },
  });
}
