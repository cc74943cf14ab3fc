import {
  ContactSchema, createContact, CreateContactSchema, getContactOrThrow, listContacts, ListContactsQuery, updateContact, UpdateContactSchema,
} from '../../core/resources/contacts.js';
import { relationshipSettings } from '../../core/profile/profile.setting.js';
import { getRelationshipGraph, RelationshipGraphSchema } from '../../core/profile/relationship-graph.js';
import {
  ContactChangeResultSchema, ContactChangeSchema, ContactEventSchema, listContactEvents, ListContactEventsQuery, recordContactChange,
} from '../../core/profile/contact-events.js';
import { IdParams } from '../../core/resources/schemas.js';
import { z } from 'zod';
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
    method: 'post', path: '/api/contact-events', operationId: 'recordContactChange', tags,
    summary: '记录决策链变化（调岗、离职、新任、汇报关系变化），注明发生日期',
    body: ContactChangeSchema, response: ContactChangeResultSchema, idempotent: true,
    handler: ({ db, actor, body }) => recordContactChange(db, actor, body, new Date()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}/contact-events', operationId: 'listContactEvents', tags,
    summary: '客户决策链变化历史（按发生日期倒序）',
    params: IdParams, query: ListContactEventsQuery, response: z.object({ items: z.array(ContactEventSchema) }),
    handler: ({ db, actor, params, query }) => listContactEvents(db, actor, params.id, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}/relationship-graph', operationId: 'getRelationshipGraph', tags,
    summary: '客户关系图谱：部门、职务、汇报关系、决策角色与态度，按拜访/跟进/消息实测的对接频次和最近接触、我方覆盖人，以及覆盖缺口',
    params: IdParams, response: RelationshipGraphSchema,
    handler: async ({ db, actor, params, deps }) => getRelationshipGraph(db, actor, params.id, deps.now(), await relationshipSettings(db)),
  });
}
