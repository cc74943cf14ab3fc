import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { likePattern, Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { Phone, requireCustomerRef } from './contacts.js';
import { recordEvent } from './events.js';
import {
  applyAssignment, AssignLeadSchema, listAssignments, requireDepartmentInScope, type LeadAssignment,
} from './lead-assignment.js';
import { PageQuerySchema, runList, type Page } from './pagination.js';
import { CustomerType, Id, IdParam, Name, OptionalText } from './schemas.js';

/**
 * Leads before they become customers. Row scope: a rep sees leads assigned to
 * them; a manager the leads of their department subtree (assigned or waiting
 * in the team's pool); the director everything.
 */
export const LeadStatus = z.enum(['new', 'assigned', 'converted', 'disqualified']);
export const LeadSource = z.enum(['manual', 'website', 'referral', 'exhibition', 'wecom', 'phone', 'other']);

export const LeadSchema = z.object({
  id: z.number(),
  title: z.string(),
  company: z.string(),
  contactName: z.string().nullable(),
  phone: z.string().nullable(),
  source: z.string(),
  customerType: CustomerType.nullable(),
  departmentId: z.number().nullable(),
  departmentName: z.string().nullable(),
  assigneeId: z.number().nullable(),
  assigneeName: z.string().nullable(),
  customerId: z.number().nullable(),
  status: LeadStatus,
  /** Why it was disqualified (or reopened), from the latest status change. */
  statusReason: z.string().nullable(),
  convertedAt: z.string().nullable(),
  /** When the assignee took it on (接收); null until then. */
  acceptedAt: z.string().nullable(),
  /** The opportunity it became, when converted through one. */
  opportunityId: z.number().nullable(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof LeadSchema>;

const LeadFields = {
  title: Name,
  company: Name,
  contactName: OptionalText(100),
  phone: Phone.nullish(),
  source: LeadSource.optional(),
  customerType: CustomerType.nullish(),
};

export const CreateLeadSchema = z.object({
  ...LeadFields,
  /** Team pool the unassigned lead waits in (manager/director); defaults to the creator's department. */
  departmentId: Id.optional(),
  /** Assign on creation (manager/director); a rep's lead is always their own. */
  assignment: AssignLeadSchema.optional(),
}).strict();

export const UpdateLeadSchema = z.object(LeadFields).partial().extend({
  status: LeadStatus.optional(),
  customerId: Id.optional(),
  reason: OptionalText(500),
}).strict()
  .refine((o) => Object.keys(o).length > 0, '至少修改一个字段')
  .refine((o) => o.status !== 'converted' || o.customerId !== undefined,
    { message: '转化线索时必须指定客户（customerId）', path: ['customerId'] })
  .refine((o) => o.status !== 'disqualified' || !!o.reason?.trim(),
    { message: '作废线索时必须填写原因', path: ['reason'] })
  .refine((o) => o.customerId === undefined || o.status === 'converted',
    { message: '只有转化线索时才能指定客户', path: ['customerId'] });

export const ListLeadsQuery = PageQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  status: LeadStatus.optional(),
  assigneeId: IdParam.optional(),
  departmentId: IdParam.optional(),
  sort: z.enum(['id', 'createdAt', 'updatedAt']).default('id'),
}).strict();

const SORTS = { id: 'l.id', createdAt: 'l.created_at', updatedAt: 'l.updated_at' } as const;
const SELECT = `l.*, u.name AS assignee_name, d.name AS department_name,
  (SELECT e.data->>'reason' FROM events e WHERE e.entity_type = 'lead' AND e.entity_id = l.id
      AND e.type = 'lead.status_changed' ORDER BY e.id DESC LIMIT 1) AS status_reason,
  (SELECT o.id FROM opportunities o WHERE o.lead_id = l.id ORDER BY o.id LIMIT 1) AS opportunity_id`;
const FROM = 'leads l LEFT JOIN users u ON u.id = l.assignee_id LEFT JOIN departments d ON d.id = l.department_id';

export function toLead(r: any): Lead {
  return {
    id: r.id, title: r.title, company: r.company, contactName: r.contact_name, phone: r.phone, source: r.source,
    customerType: r.customer_type, departmentId: r.department_id, departmentName: r.department_name ?? null,
    assigneeId: r.assignee_id, assigneeName: r.assignee_name ?? null, customerId: r.customer_id, status: r.status,
    statusReason: r.status_reason ?? null, convertedAt: r.converted_at?.toISOString() ?? null,
    acceptedAt: r.accepted_at?.toISOString() ?? null, opportunityId: r.opportunity_id ?? null, createdBy: r.created_by,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

export const leadScope = (actor: Actor, sql: Sql) =>
  scopeSql(actor, { ownerCol: 'l.assignee_id', deptCol: 'l.department_id' }, sql);

export async function listLeads(db: Db, actor: Actor, q: z.infer<typeof ListLeadsQuery>): Promise<Page<Lead>> {
  assertCan(actor, 'leads', 'read');
  const sql = new Sql();
  const where = [leadScope(actor, sql)];
  if (q.q) {
    const like = sql.param(likePattern(q.q));
    where.push(`(l.title ILIKE ${like} OR l.company ILIKE ${like} OR l.contact_name ILIKE ${like})`);
  }
  if (q.status) where.push(`l.status = ${sql.param(q.status)}`);
  if (q.assigneeId) where.push(`l.assignee_id = ${sql.param(q.assigneeId)}`);
  if (q.departmentId) where.push(inDepartmentSubtree(sql, 'l.department_id', { id: q.departmentId }));
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'l.id', page: q }, toLead);
}

/** One lead in scope, else 404; `lock` takes the row lock for a change. */
export async function getLeadOrThrow(
  db: Db, actor: Actor, id: number, verb: 'read' | 'update' | 'assign' = 'read', lock = false,
): Promise<Lead> {
  assertCan(actor, 'leads', verb);
  const sql = new Sql();
  const where = `l.id = ${sql.param(id)} AND ${leadScope(actor, sql)}`;
  if (lock) {
    const { rows } = await db.query(sql.unprepared(`SELECT l.id FROM leads l WHERE ${where} FOR UPDATE`));
    if (!rows[0]) throw new AppError('LEAD_NOT_FOUND', { id });
  }
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE ${where}`));
  if (!rows[0]) throw new AppError('LEAD_NOT_FOUND', { id });
  return toLead(rows[0]);
}

export async function createLead(db: Db, actor: Actor, input: z.infer<typeof CreateLeadSchema>): Promise<Lead> {
  assertCan(actor, 'leads', 'create');
  if (actor.role === 'rep' && (input.assignment || (input.departmentId && input.departmentId !== actor.departmentId))) {
    throw new AppError('FORBIDDEN', { reason: 'rep leads are their own' }, '业务员创建的线索只能归属自己');
  }
  if (input.assignment) assertCan(actor, 'leads', 'assign');
  const departmentId = input.departmentId !== undefined && actor.role !== 'rep'
    ? (await requireDepartmentInScope(db, actor, input.departmentId)).id
    : actor.departmentId;
  const { rows } = await db.query(
    `INSERT INTO leads (title, company, contact_name, phone, source, customer_type, department_id, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
    [input.title, input.company, input.contactName ?? null, input.phone ?? null, input.source ?? 'manual',
      input.customerType ?? null, departmentId, actor.id],
  );
  const id: number = rows[0].id;
  await recordEvent(db, {
    actorId: actor.id, entityType: 'lead', entityId: id, type: 'lead.created',
    data: { title: input.title, company: input.company, departmentId },
  });
  const assignment = actor.role === 'rep'
    ? { method: 'manual' as const, assigneeId: actor.id, reason: '业务员自建线索' }
    : input.assignment;
  if (assignment) await applyAssignment(db, actor, { id, assigneeId: null, departmentId }, assignment);
  return getLeadOrThrow(db, actor, id);
}

const COLUMNS = {
  title: 'title', company: 'company', contactName: 'contact_name', phone: 'phone', source: 'source', customerType: 'customer_type',
} as const;

export async function updateLead(db: Db, actor: Actor, id: number, input: z.infer<typeof UpdateLeadSchema>): Promise<Lead> {
  const before = await getLeadOrThrow(db, actor, id, 'update', true);
  const sql = new Sql();
  const sets: string[] = [];
  const set = (col: string, v: unknown) => { sets.push(`${col} = ${sql.param(v)}`); };
  for (const [k, col] of Object.entries(COLUMNS)) {
    const v = input[k as keyof typeof COLUMNS];
    if (v !== undefined) set(col, v);
  }
  if (input.status && input.status !== before.status) {
    if (input.status === 'new' && before.assigneeId !== null) {
      throw new AppError('VALIDATION_FAILED', [{ path: 'body.status', message: '已分配的线索不能改回「新建」，请改为 assigned' }]);
    }
    if (input.status === 'assigned' && before.assigneeId === null) {
      throw new AppError('VALIDATION_FAILED', [{ path: 'body.status', message: '线索尚未分配，请先分配业务员' }]);
    }
    set('status', input.status);
  }
  if (input.status === 'converted') {
    const customer = await requireCustomerRef(db, actor, input.customerId!);
    set('customer_id', customer.id);
    sets.push(before.status === 'converted' ? 'converted_at = converted_at' : 'converted_at = now()');
  } else if (input.status && before.status === 'converted') {
    sets.push('customer_id = NULL', 'converted_at = NULL');
  }
  await db.query(sql.unprepared(`UPDATE leads SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = ${sql.param(id)}`));
  if (input.status && input.status !== before.status) {
    await recordEvent(db, {
      actorId: actor.id, entityType: 'lead', entityId: id, type: 'lead.status_changed',
      data: { from: before.status, to: input.status, reason: input.reason ?? null, customerId: input.customerId ?? null },
    });
  }
  const fields = Object.keys(input).filter((k) => k in COLUMNS || (k === 'customerId' && before.status === 'converted'));
  if (fields.length > 0) {
    await recordEvent(db, { actorId: actor.id, entityType: 'lead', entityId: id, type: 'lead.updated', data: { fields } });
  }
  return getLeadOrThrow(db, actor, id);
}

/** (Re)assigns a lead: managers within their subtree, the director anywhere; reps get 403. */
export async function assignLead(db: Db, actor: Actor, id: number, body: z.infer<typeof AssignLeadSchema>): Promise<Lead> {
  const lead = await getLeadOrThrow(db, actor, id, 'assign', true);
  await applyAssignment(db, actor, lead, body);
  return getLeadOrThrow(db, actor, id);
}

export async function listLeadAssignments(db: Db, actor: Actor, id: number): Promise<{ items: LeadAssignment[] }> {
  await getLeadOrThrow(db, actor, id);
  return { items: await listAssignments(db, id) };
}
