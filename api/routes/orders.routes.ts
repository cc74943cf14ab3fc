import { z } from 'zod';
import {
  createOrder, CreateOrderSchema, getOrderOrThrow, listOrders, ListOrdersQuery, OrderSchema, RecentOrdersQuery,
  suggestLinkedOrders, updateOrder, UpdateOrderSchema,
} from '../../core/resources/orders.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

export function registerOrderRoutes(kit: RouteKit): void {
  const tags = ['orders'];
  defineRoute(kit, {
    method: 'get', path: '/api/orders', operationId: 'listOrders', tags, summary: '订单/合同列表（按客户权限范围）',
    query: ListOrdersQuery, response: pageOf(OrderSchema),
    handler: ({ db, actor, query }) => listOrders(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/orders/{id}', operationId: 'getOrder', tags, summary: '订单/合同详情',
    params: IdParams, response: OrderSchema,
    handler: ({ db, actor, params }) => getOrderOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/orders', operationId: 'createOrder', tags, summary: '新建订单/合同（订单号唯一）',
    body: CreateOrderSchema, response: OrderSchema, idempotent: true,
    handler: ({ db, actor, body }) => createOrder(db, actor, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/orders/{id}', operationId: 'updateOrder', tags, summary: '修改订单状态、到期日或关联商机',
    params: IdParams, body: UpdateOrderSchema, response: OrderSchema,
    handler: ({ db, actor, params, body }) => updateOrder(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}/recent-orders', operationId: 'suggestLinkedOrders', tags,
    summary: '客户最近N笔订单（拜访报告需关联的订单）',
    params: IdParams, query: RecentOrdersQuery, response: z.object({ items: z.array(OrderSchema) }),
    handler: ({ db, actor, params, query }) => suggestLinkedOrders(db, actor, params.id, query.limit),
  });
}
