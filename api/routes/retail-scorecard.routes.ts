import { z } from 'zod';
import { recordMemberReferrals } from '../../core/retail/member-referrals.js';
import { scorecardRecords } from '../../core/retail/scorecard-records.js';
import {
  MemberReferralEntrySchema, MetricCodeSchema, RankingSchema, ScorecardActionSchema, ScorecardQuery, ScorecardRecordsSchema, StoreScorecardSchema,
} from '../../core/retail/scorecard-schemas.js';
import { createScorecardAction, rankStores, storeScorecard } from '../../core/retail/scorecard.js';
import { IdParam, IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** 门店健康度评分卡 (#21 item 6): the ranking by region, one store's card, the records behind a number, suggested actions; clerks' 会员推荐. */
export function registerRetailScorecardRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  defineRoute(kit, {
    method: 'get', path: '/api/retail/scorecard', operationId: 'rankStoreScorecards', tags,
    summary: '门店健康度排名：可见门店按区域排名（主管看本区域，总监看全部，督导看巡店路线，店员看本店），period=week|month，start=该周/月任一天',
    query: ScorecardQuery, response: RankingSchema,
    handler: ({ db, actor, query, deps }) => rankStores(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/scorecard/stores/{id}', operationId: 'getStoreScorecard', tags,
    summary: '一家门店的健康度评分卡：十二项指标（定义、数据来源、权重、优良差）、总分、最近几期趋势和建议改进项',
    params: IdParams, query: ScorecardQuery, response: StoreScorecardSchema,
    handler: ({ db, actor, params, query, deps }) => storeScorecard(db, actor, params.id, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/scorecard/stores/{id}/metrics/{metric}', operationId: 'getStoreScorecardRecords', tags,
    summary: '评分卡一项指标背后的记录（缺货、巡店检查项、上架、填报、整改…），每条是否达标',
    params: z.object({ id: IdParam, metric: MetricCodeSchema }), query: ScorecardQuery, response: ScorecardRecordsSchema,
    handler: ({ db, actor, params, query, deps }) => scorecardRecords(db, actor, params.id, params.metric, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/scorecard/stores/{id}/actions', operationId: 'createScorecardAction', tags, idempotent: true,
    summary: '把评分卡的建议改进项派给门店（门店整改事项，交给店员；同一指标的改进未完成前不重复派）',
    params: IdParams, body: ScorecardActionSchema,
    response: z.object({ actionId: z.number(), title: z.string(), repeated: z.boolean() }),
    handler: ({ db, actor, params, body, deps }) => createScorecardAction(db, actor, params.id, body, { now: deps.now(), publicUrl: deps.config.publicUrl }),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/member-referrals', operationId: 'recordMemberReferrals', tags, status: 200, idempotent: true,
    summary: '店员填报本店某天的会员推荐人数和入会人数（同一天再填以最后一次为准）',
    body: MemberReferralEntrySchema,
    response: z.object({ day: z.string(), recommended: z.number(), joined: z.number(), storeName: z.string() }),
    handler: ({ db, actor, body, deps }) => recordMemberReferrals(db, actor, body, deps.now()),
  });
}
