import { z } from 'zod';
import {
  createOpportunity, CreateOpportunitySchema, getOpportunityOrThrow, listOpportunities, ListOpportunitiesQuery,
  OpportunitySchema, updateOpportunity, UpdateOpportunitySchema,
} from '../../core/resources/opportunities.js';
import { listStageMoves, moveOpportunityStage, MoveStageSchema, StageMoveSchema } from '../../core/resources/opportunity-stages.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

export function registerOpportunityRoutes(kit: RouteKit): void {
  const tags = ['opportunities'];
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities', operationId: 'listOpportunities', tags, summary: '商机列表（按权限范围）',
    query: ListOpportunitiesQuery, response: pageOf(OpportunitySchema),
    handler: ({ db, actor, query }) => listOpportunities(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities/{id}', operationId: 'getOpportunity', tags,
    summary: '商机详情（当前阶段、子阶段与检查清单进度）',
    params: IdParams, response: OpportunitySchema,
    handler: ({ db, actor, params }) => getOpportunityOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/opportunities', operationId: 'createOpportunity', tags, summary: '新建商机（从第一阶段开始）',
    body: CreateOpportunitySchema, response: OpportunitySchema, idempotent: true,
    handler: ({ db, actor, body }) => createOpportunity(db, actor, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/opportunities/{id}', operationId: 'updateOpportunity', tags,
    summary: '修改商机（含勾选检查项、赢单/输单）',
    params: IdParams, body: UpdateOpportunitySchema, response: OpportunitySchema,
    handler: ({ db, actor, params, body }) => updateOpportunity(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/opportunities/{id}/stage', operationId: 'moveOpportunityStage', tags,
    summary: '推进、回退或跳过阶段（跳过需原因；版本冲突返回409）', status: 200, idempotent: true,
    params: IdParams, body: MoveStageSchema, response: OpportunitySchema,
    handler: ({ db, actor, params, body }) => moveOpportunityStage(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities/{id}/stage-moves', operationId: 'listStageMoves', tags, summary: '商机阶段变更记录',
    params: IdParams, response: z.object({ items: z.array(StageMoveSchema) }),
    handler: ({ db, actor, params }) => listStageMoves(db, actor, params.id),
  });
}
