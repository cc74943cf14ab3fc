import { z } from 'zod';
import {
  getProcurementStatus, ImportResultSchema, importProcurementCsv, NewProcurementEventSchema, OpportunityIdParams,
  ProcurementStatusSchema, ProcurementWebhookSchema, recordProcurementEvent, RecordResultSchema,
} from '../../core/profile/procurement.js';
import { relationshipSettings } from '../../core/profile/profile.setting.js';
import { coverageGapsOf, CoverageGapSchema } from '../../core/profile/relationship-graph.js';
import { getOpportunityOrThrow } from '../../core/resources/opportunities.js';
import { getCustomerOrThrow } from '../../core/resources/customers.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** The opportunity layer of the customer profile: procurement steps and coverage gaps. */
export function registerProfileRoutes(kit: RouteKit): void {
  const tags = ['profile'];
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities/{id}/profile', operationId: 'getOpportunityProfile', tags,
    summary: '商机的客户采购进展（预算申报→预算批复→招标公告→开标→中标）与决策链覆盖缺口',
    params: OpportunityIdParams, response: z.object({ procurement: ProcurementStatusSchema, gaps: z.array(CoverageGapSchema) }),
    handler: async ({ db, actor, params, deps }) => {
      const o = await getOpportunityOrThrow(db, actor, params.id);
      const customer = await getCustomerOrThrow(db, actor, o.customerId);
      const gaps = await coverageGapsOf(db, [{ id: customer.id, type: customer.type }], deps.now(), await relationshipSettings(db));
      return { procurement: await getProcurementStatus(db, actor, o.id), gaps: gaps.get(customer.id) ?? [] };
    },
  });
  defineRoute(kit, {
    method: 'post', path: '/api/opportunities/{id}/procurement-events', operationId: 'recordProcurementEvent', tags,
    summary: '记录客户采购进展的一步（注明发生日期；同一商机同一阶段同一天只记一次）',
    params: OpportunityIdParams, body: NewProcurementEventSchema, response: RecordResultSchema, idempotent: true,
    handler: ({ db, actor, params, body, deps }) => recordProcurementEvent(db, actor, { ...body, opportunityId: params.id }, 'app', deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/procurement-events', operationId: 'postProcurementEvent', tags,
    summary: '外部系统（招投标平台、ERP）推送采购进展；重复推送不会重复记录',
    body: ProcurementWebhookSchema, response: RecordResultSchema, idempotent: true,
    handler: ({ db, actor, body, deps }) => recordProcurementEvent(db, actor, body, 'api', deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/procurement-events/import', operationId: 'importProcurementEvents', tags,
    summary: '从 CSV 导入采购进展（列：商机编号、采购阶段、日期，可选 金额、公告编号、备注）；任一行有误则整份不导入',
    body: z.strictObject({ csv: z.string().min(1, '文件是空的').max(2_000_000, '文件不能超过2MB') }), response: ImportResultSchema, idempotent: true,
    handler: ({ db, actor, body, deps }) => importProcurementCsv(db, actor, body.csv, deps.now()),
  });
}
