import { z } from 'zod';
import { AssignLeadSchema, LeadAssignmentSchema } from '../../core/resources/lead-assignment.js';
import { findLeadDuplicates, LeadDuplicateQuery, LeadDuplicateSchema } from '../../core/leads/lead-duplicates.js';
import { acceptLead, assignLeadAndNotify, convertLead, ConvertLeadSchema, createLeadAndNotify } from '../../core/leads/lead-workflow.js';
import {
  CreateLeadSchema, getLeadOrThrow, LeadSchema, listLeadAssignments, listLeads, ListLeadsQuery, updateLead, UpdateLeadSchema,
} from '../../core/resources/leads.js';
import { OpportunitySchema } from '../../core/resources/opportunities.js';
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
  // before /api/leads/{id}: the router would take 'duplicates' for an id
  defineRoute(kit, {
    method: 'get', path: '/api/leads/duplicates', operationId: 'findLeadDuplicates', tags,
    summary: '撞单检查：同一电话，或公司名相同/相近的线索和客户（全公司范围，只给出名称和负责人）',
    query: LeadDuplicateQuery, response: z.object({ items: z.array(LeadDuplicateSchema) }),
    handler: ({ db, actor, query }) => findLeadDuplicates(db, actor, query),
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
    handler: ({ db, actor, body, deps }) => createLeadAndNotify(db, actor, body, deps.config.publicUrl),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/leads/{id}/accept', operationId: 'acceptLead', tags, status: 200,
    summary: '负责人接收线索', params: IdParams, response: LeadSchema,
    handler: ({ db, actor, params }) => acceptLead(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/leads/{id}/convert', operationId: 'convertLead', tags, status: 200, idempotent: true,
    summary: '线索转为商机（没有客户时按公司名新建客户），线索标记为已转化',
    params: IdParams, body: ConvertLeadSchema,
    response: z.object({ lead: LeadSchema, opportunity: OpportunitySchema, customer: z.object({ id: z.number(), name: z.string() }), customerCreated: z.boolean() }),
    handler: ({ db, actor, params, body }) => convertLead(db, actor, params.id, body),
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
    handler: ({ db, actor, params, body, deps }) => assignLeadAndNotify(db, actor, params.id, body, deps.config.publicUrl),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/leads/{id}/assignments', operationId: 'listLeadAssignments', tags, summary: '线索分配记录',
    params: IdParams, response: z.object({ items: z.array(LeadAssignmentSchema) }),
    handler: ({ db, actor, params }) => listLeadAssignments(db, actor, params.id),
  });
}
