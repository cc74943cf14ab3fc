import { IdParams } from '../../core/resources/schemas.js';
import { customersAtDoor, CustomersAtDoorSchema, HereQuery } from '../../core/visit-assist/customers-at-door.js';
import { SuggestFieldsBodySchema, visitFieldSuggestions, VisitFieldSuggestionsSchema } from '../../core/visit-assist/visit-suggestions.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** What the visit page derives instead of asking (issue #25): the customer at the door, the fields the memo already says. */
export function registerVisitAssistRoutes(kit: RouteKit): void {
  const tags = ['actions'];
  defineRoute(kit, {
    method: 'get', path: '/api/visits/customers-at-door', operationId: 'customersAtDoor', tags,
    summary: '现场发起拜访：按手机位置找出业务员自己的、就在附近的客户（最近的在前，已有未完成拜访的标出）',
    query: HereQuery, response: CustomersAtDoorSchema,
    handler: ({ db, actor, query }) => customersAtDoor(db, actor, query),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/field-suggestions', operationId: 'suggestVisitFields', tags, status: 200,
    summary: '语音纪要填表：从文字稿里读出决策人、下次接触时间等建议值（附把握度和原话），以及同上次的常用值；不保存，由业务员一键采用',
    params: IdParams, body: SuggestFieldsBodySchema, response: VisitFieldSuggestionsSchema,
    handler: ({ db, actor, params, body, deps }) => visitFieldSuggestions(db, actor, params.id, body.transcript, deps.now()),
  });
}
