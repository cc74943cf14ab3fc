import { customersAtDoor, CustomersAtDoorSchema, HereQuery } from '../../core/visit-assist/customers-at-door.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** What the visit page derives instead of asking (issue #25): the customer at the door. */
export function registerVisitAssistRoutes(kit: RouteKit): void {
  const tags = ['actions'];
  defineRoute(kit, {
    method: 'get', path: '/api/visits/customers-at-door', operationId: 'customersAtDoor', tags,
    summary: '现场发起拜访：按手机位置找出业务员自己的、就在附近的客户（最近的在前，已有未完成拜访的标出）',
    query: HereQuery, response: CustomersAtDoorSchema,
    handler: ({ db, actor, query }) => customersAtDoor(db, actor, query),
  });
}
