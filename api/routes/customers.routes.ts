import {
  createCustomer, CreateCustomerSchema, CustomerSchema, getCustomerOrThrow, listCustomers,
  ListCustomersQuery, updateCustomer, UpdateCustomerSchema,
} from '../../core/resources/customers.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

export function registerCustomerRoutes(kit: RouteKit): void {
  const tags = ['customers'];
  defineRoute(kit, {
    method: 'get', path: '/api/customers', operationId: 'listCustomers', tags, summary: '客户列表（按权限范围）',
    query: ListCustomersQuery, response: pageOf(CustomerSchema),
    handler: ({ db, actor, query, deps }) => listCustomers(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}', operationId: 'getCustomer', tags, summary: '客户详情',
    params: IdParams, response: CustomerSchema,
    handler: ({ db, actor, params }) => getCustomerOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/customers', operationId: 'createCustomer', tags, summary: '新建客户',
    body: CreateCustomerSchema, response: CustomerSchema, idempotent: true,
    handler: ({ db, actor, body }) => createCustomer(db, actor, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/customers/{id}', operationId: 'updateCustomer', tags, summary: '修改客户',
    params: IdParams, body: UpdateCustomerSchema, response: CustomerSchema,
    handler: ({ db, actor, params, body }) => updateCustomer(db, actor, params.id, body),
  });
}
