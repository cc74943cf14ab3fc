import { InspectorPlanSchema, PatrolPlansSchema, SavePatrolPlanSchema } from '../../core/retail/patrol-plan-schemas.js';
import { listPatrolPlans, savePatrolPlan } from '../../core/retail/patrol-plans.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** Patrol plans (#21 item 3): each inspector's stores and how often each is due. */
export function registerRetailPatrolPlanRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  defineRoute(kit, {
    method: 'get', path: '/api/retail/patrol-plans', operationId: 'listPatrolPlans', tags,
    summary: '巡店计划：管辖范围内每位督导的门店和巡店频率，以及可安排的门店',
    response: PatrolPlansSchema,
    handler: ({ db, actor }) => listPatrolPlans(db, actor),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/retail/patrol-plans/{id}', operationId: 'savePatrolPlan', tags,
    summary: '保存一位督导的巡店计划（门店 × 每几天巡一次，整体替换）',
    params: IdParams, body: SavePatrolPlanSchema, response: InspectorPlanSchema,
    handler: ({ db, actor, params, body }) => savePatrolPlan(db, actor, params.id, body),
  });
}
