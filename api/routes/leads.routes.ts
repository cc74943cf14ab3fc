import { z } from 'zod';
import { AssignLeadSchema, LeadAssignmentSchema } from '../../core/resources/lead-assignment.js';
import {
  assignLead, createLead, CreateLeadSchema, getLeadOrThrow, LeadSchema, listLeadAssignments, listLeads,
  ListLeadsQuery, updateLead, UpdateLeadSchema,
} from '../../core/resources/leads.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

export function registerLeadRoutes(kit: RouteKit): void {
  const tags = ['leads'];
  defineRoute(kit, {
    method: 'get', path: '/api/leads', operationId: 'listLeads', tags, summary: '线索列表（按权限范围）',
    query: ListLeadsQuery, response: pageOf(LeadSchema),
    handler: ({ db, actor, query }) => listLeads(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/leads/{id}', operationId: 'getLead', tags, summary: '线索详情',
    params: IdParams, response: LeadSchema,
    handler: ({ db, actor, params }) => getLeadOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/leads', operationId: 'createLead', tags,
    summary: '新建线索（业务员自建归自己；主管/总监可不分配或同时分配）',
    body: CreateLeadSchema, response: LeadSchema, idempotent: true,
    handler: ({ db, actor, body }) => createLead(db, actor, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/leads/{id}', operationId: 'updateLead', tags, summary: '修改线索（含转化、作废）',
    params: IdParams, body: UpdateLeadSchema, response: LeadSchema,
    handler: ({ db, actor, params, body }) => updateLead(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/leads/{id}/assign', operationId: 'assignLead', tags,
    summary: '分配线索：指定、团队轮转或按区域轮转', status: 200, idempotent: true,
    params: IdParams, body: AssignLeadSchema, response: LeadSchema,
    handler: ({ db, actor, params, body }) => assignLead(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/leads/{id}/assignments', operationId: 'listLeadAssignments', tags, summary: '线索分配记录',
    params: IdParams, response: z.object({ items: z.array(LeadAssignmentSchema) }),
    handler: ({ db, actor, params }) => listLeadAssignments(db, actor, params.id),
  });
}
