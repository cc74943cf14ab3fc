import { z } from 'zod';
import {
  ComplaintSchema, listCustomerComplaints, NewComplaintSchema, recordComplaint, resolveComplaint, ResolveComplaintSchema,
} from '../../core/fulfilment/complaints.js';
import { applyErpUpdates, ErpBatchSchema, ErpResultSchema, importErpCsv } from '../../core/fulfilment/erp-updates.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** Order fulfilment: ERP order status (API and CSV), and complaints with their SLA. */
export function registerFulfilmentRoutes(kit: RouteKit): void {
  const tags = ['fulfilment'];
  defineRoute(kit, {
    method: 'post', path: '/api/orders/erp-updates', operationId: 'applyErpUpdates', tags, status: 200, idempotent: true,
    summary: 'ERP 推送订单状态与订单行（同一更新编号重复推送不会重复处理；任一订单号不存在则整批不处理）',
    body: ErpBatchSchema, response: ErpResultSchema,
    handler: ({ db, actor, body }) => applyErpUpdates(db, actor, body.updates, 'api'),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/orders/erp-updates/import', operationId: 'importErpUpdates', tags, status: 200, idempotent: true,
    summary: '从 ERP 导出的 CSV 导入订单状态（列：更新编号、订单号、时间，可选 状态、行号、商品编码、商品名称、订购数量、发货数量、退货数量）',
    body: z.strictObject({ csv: z.string().min(1, '文件是空的').max(5_000_000, '文件不能超过5MB') }), response: ErpResultSchema,
    handler: ({ db, actor, body }) => importErpCsv(db, actor, body.csv),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/complaints', operationId: 'recordComplaint', tags, idempotent: true,
    summary: '登记客户投诉（严重程度决定处理时限；超时或反复投诉会升级给销售总监）',
    body: NewComplaintSchema, response: ComplaintSchema,
    handler: ({ db, actor, body, deps }) => recordComplaint(db, actor, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/complaints/{id}/resolve', operationId: 'resolveComplaint', tags, status: 200,
    summary: '投诉处理完毕（写明处理结果）', params: IdParams, body: ResolveComplaintSchema, response: ComplaintSchema,
    handler: ({ db, actor, params, body, deps }) => resolveComplaint(db, actor, params.id, body.resolution, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}/complaints', operationId: 'listCustomerComplaints', tags,
    summary: '客户的投诉（未处理的在前）', params: IdParams, response: z.object({ items: z.array(ComplaintSchema) }),
    handler: async ({ db, actor, params, deps }) => ({ items: await listCustomerComplaints(db, actor, params.id, deps.now()) }),
  });
}
