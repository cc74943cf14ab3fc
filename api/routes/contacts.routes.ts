import {
  ContactSchema, createContact, CreateContactSchema, getContactOrThrow, getRelationshipGraph, listContacts,
  ListContactsQuery, RelationshipGraphSchema, updateContact, UpdateContactSchema,
} from '../../core/resources/contacts.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

export function registerContactRoutes(kit: RouteKit): void {
  const tags = ['contacts'];
  defineRoute(kit, {
    method: 'get', path: '/api/contacts', operationId: 'listContacts', tags, summary: '联系人列表（按客户权限范围）',
    query: ListContactsQuery, response: pageOf(ContactSchema),
    handler: ({ db, actor, query }) => listContacts(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/contacts/{id}', operationId: 'getContact', tags, summary: '联系人详情',
    params: IdParams, response: ContactSchema,
    handler: ({ db, actor, params }) => getContactOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/contacts', operationId: 'createContact', tags, summary: '新建联系人',
    body: CreateContactSchema, response: ContactSchema, idempotent: true,
    handler: ({ db, actor, body }) => createContact(db, actor, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/contacts/{id}', operationId: 'updateContact', tags, summary: '修改联系人',
    params: IdParams, body: UpdateContactSchema, response: ContactSchema,
    handler: ({ db, actor, params, body }) => updateContact(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}/relationship-graph', operationId: 'getRelationshipGraph', tags,
    summary: '客户关系图谱（部门 → 联系人，含决策角色与联系频率）',
    params: IdParams, response: RelationshipGraphSchema,
    handler: ({ db, actor, params }) => getRelationshipGraph(db, actor, params.id),
  });
}
