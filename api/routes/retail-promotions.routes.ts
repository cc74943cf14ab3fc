import { z } from 'zod';
import { CreatePromotionSchema, EndPromotionSchema, PromotionSchema, UpdatePromotionSchema } from '../../core/retail/promotion-schemas.js';
import { createPromotion, endPromotion, getPromotionOrThrow, listPromotions, updatePromotion } from '../../core/retail/promotions.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** Promotions (#21 item 5): uplift and ROI worked out on each read from the imported sales. */
export function registerRetailPromotionRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  defineRoute(kit, {
    method: 'get', path: '/api/retail/promotions', operationId: 'listPromotions', tags,
    summary: '促销列表（进行中的在前），每个附当前的增量和 ROI',
    response: z.object({ items: z.array(PromotionSchema) }),
    handler: ({ db, actor, deps }) => listPromotions(db, actor, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/promotions/{id}', operationId: 'getPromotion', tags,
    summary: '一个促销：按同店前期对比和匹配门店对比两种方法算出的增量、ROI，以及逐店明细和算法说明',
    params: IdParams, response: PromotionSchema,
    handler: ({ db, actor, params, deps }) => getPromotionOrThrow(db, actor, params.id, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/promotions', operationId: 'createPromotion', tags, idempotent: true,
    summary: '发起促销：门店、商品、起止日期、费用（区域主管或销售总监）',
    body: CreatePromotionSchema, response: PromotionSchema,
    handler: ({ db, actor, body, deps }) => createPromotion(db, actor, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/retail/promotions/{id}', operationId: 'updatePromotion', tags,
    summary: '修改促销：开始前可改全部；进行中可改名称、费用和结束日期（记录修改人和时间）',
    params: IdParams, body: UpdatePromotionSchema, response: PromotionSchema,
    handler: ({ db, actor, params, body, deps }) => updatePromotion(db, actor, params.id, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/promotions/{id}/end', operationId: 'endPromotion', tags, idempotent: true, status: 200,
    summary: '提前结束促销：最后一天（默认今天），记录结束人和时间',
    params: IdParams, body: EndPromotionSchema, response: PromotionSchema,
    handler: ({ db, actor, params, body, deps }) => endPromotion(db, actor, params.id, body, deps.now()),
  });
}
