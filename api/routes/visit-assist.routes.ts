import { IdParams } from '../../core/resources/schemas.js';
import { customersAtDoor, CustomersAtDoorSchema, HereQuery } from '../../core/visit-assist/customers-at-door.js';
import { SuggestFieldsBodySchema, visitFieldSuggestions, VisitFieldSuggestionsSchema } from '../../core/visit-assist/visit-suggestions.js';
import { answerUnfiledPhotos, OfferedPhotoSchema, UnfiledPhotosAnswerSchema, unfiledPhotosToOffer } from '../../core/actions/unfiled-photos.js';
import { z } from 'zod';
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
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/unfiled-photos/offer', operationId: 'offerUnfiledPhotos', tags, status: 200,
    summary: '先发的照片：业务员开拜访前发给机器人的照片（在设置的等待时间内），交给这次拜访问一次，附上按拍摄顺序推测的标签；从此只问这次拜访',
    params: IdParams, response: z.object({ items: z.array(OfferedPhotoSchema) }),
    handler: async ({ db, actor, params, deps }) => ({ items: await unfiledPhotosToOffer(db, actor, params.id, deps.now()) }),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/unfiled-photos/answer', operationId: 'answerUnfiledPhotos', tags, status: 200,
    summary: '先发的照片：业务员的回答。用在这次拜访就按推测的标签打上（照片由页面加进草稿），不用就留着不动',
    params: IdParams, body: UnfiledPhotosAnswerSchema, response: z.object({ decided: z.array(z.number()) }),
    handler: async ({ db, actor, params, body, deps }) => ({ decided: await answerUnfiledPhotos(db, actor, params.id, body, deps.now()) }),
  });
}
