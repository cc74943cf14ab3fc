import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { likePattern, Sql } from '../db/sql.js';
import { AppError, isAppError } from '../errors.js';
import { getCustomerOrThrow, type Customer } from './customers.js';
import { recordEvent } from './events.js';
import { PageQuerySchema, runList, type Page } from './pagination.js';
import { Id, IdParam, Name, OptionalText } from './schemas.js';

/**
 * Contacts are the customer's relationship graph: who decides, who influences,
 * how often the rep should see them. They have no owner of their own — row
 * scope is the customer's, so a contact moves with its customer.
 */
export const DecisionRole = z.enum(['decision_maker', 'influencer', 'user', 'gatekeeper', 'champion', 'unknown']);
export const DECISION_ROLE_LABELS = {
  decision_maker: '决策人', influencer: '影响者', user: '使用者', gatekeeper: '把关人', champion: '内部支持者', unknown: '未知',
} as const;
export const ContactFrequency = z.enum(['weekly', 'biweekly', 'monthly', 'quarterly', 'rarely']);
export const CONTACT_FREQUENCY_LABELS = {
  weekly: '每周', biweekly: '每两周', monthly: '每月', quarterly: '每季度', rarely: '很少',
} as const;
export const Phone = z.string().trim().regex(/^[0-9+\-\s()]{5,30}$/, '电话号码格式不正确');

export const ContactSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  customerName: z.string(),
  name: z.string(),
  department: z.string().nullable(),
  title: z.string().nullable(),
  decisionRole: DecisionRole.nullable(),
  contactFrequency: ContactFrequency.nullable(),
  phone: z.string().nullable(),
  wechat: z.string().nullable(),
  notes: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof ContactSchema>;

const ContactFields = {
  name: Name,
  department: OptionalText(100),
  title: OptionalText(100),
  decisionRole: DecisionRole.nullish(),
  contactFrequency: ContactFrequency.nullish(),
  phone: Phone.nullish(),
  wechat: OptionalText(100),
  notes: OptionalText(2000),
};

export const CreateContactSchema = z.object({ customerId: Id, ...ContactFields }).strict();

export const UpdateContactSchema = z.object(ContactFields).partial().strict()
  .refine((o) => Object.keys(o).length > 0, '至少修改一个字段');

export const ListContactsQuery = PageQuerySchema.extend({
  customerId: IdParam.optional(),
  q: z.string().trim().max(100).optional(),
  decisionRole: DecisionRole.optional(),
  sort: z.enum(['id', 'name', 'createdAt', 'updatedAt']).default('id'),
}).strict();

const SORTS = { id: 'ct.id', name: 'ct.name', createdAt: 'ct.created_at', updatedAt: 'ct.updated_at' } as const;
const SELECT = 'ct.*, c.name AS customer_name';
const FROM = 'contacts ct JOIN customers c ON c.id = ct.customer_id';

export function toContact(r: any): Contact {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    name: r.name,
    department: r.department,
    title: r.title,
    decisionRole: r.decision_role,
    contactFrequency: r.contact_frequency,
    phone: r.phone,
    wechat: r.wechat,
    notes: r.notes,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Scope of anything that hangs off a customer aliased `c`. */
export const viaCustomerScope = (actor: Actor, sql: Sql) =>
  scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, sql);

/**
 * A customer named in a request body: must exist and be in the actor's scope,
 * else 422 without saying which of the two it was.
 */
export async function requireCustomerRef(db: Db, actor: Actor, customerId: number): Promise<Customer> {
  try {
    return await getCustomerOrThrow(db, actor, customerId);
  } catch (err) {
    if (isAppError(err) && err.code === 'CUSTOMER_NOT_FOUND') {
      throw new AppError('REFERENCE_INVALID', { customerId }, '客户不存在或不在你的权限范围内');
    }
    throw err;
  }
}

export async function listContacts(db: Db, actor: Actor, q: z.infer<typeof ListContactsQuery>): Promise<Page<Contact>> {
  assertCan(actor, 'contacts', 'read');
  const sql = new Sql();
  const where = [viaCustomerScope(actor, sql)];
  if (q.customerId) where.push(`ct.customer_id = ${sql.param(q.customerId)}`);
  if (q.q) {
    const like = sql.param(likePattern(q.q));
    where.push(`(ct.name ILIKE ${like} OR ct.department ILIKE ${like} OR ct.title ILIKE ${like})`);
  }
  if (q.decisionRole) where.push(`ct.decision_role = ${sql.param(q.decisionRole)}`);
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'ct.id', page: q }, toContact);
}

export async function getContactOrThrow(db: Db, actor: Actor, id: number, verb: 'read' | 'update' = 'read'): Promise<Contact> {
  assertCan(actor, 'contacts', verb);
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE ct.id = ${sql.param(id)} AND ${viaCustomerScope(actor, sql)}`));
  if (!rows[0]) throw new AppError('CONTACT_NOT_FOUND', { id });
  return toContact(rows[0]);
}

export async function createContact(db: Db, actor: Actor, input: z.infer<typeof CreateContactSchema>): Promise<Contact> {
  assertCan(actor, 'contacts', 'create');
  await requireCustomerRef(db, actor, input.customerId);
  const { rows } = await db.query(
    `INSERT INTO contacts (customer_id, name, department, title, decision_role, contact_frequency, phone, wechat, notes)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [input.customerId, input.name, input.department ?? null, input.title ?? null, input.decisionRole ?? null,
      input.contactFrequency ?? null, input.phone ?? null, input.wechat ?? null, input.notes ?? null],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'contact', entityId: rows[0].id, type: 'contact.created',
    data: { customerId: input.customerId, name: input.name, decisionRole: input.decisionRole ?? null },
  });
  return getContactOrThrow(db, actor, rows[0].id);
}

const COLUMNS = {
  name: 'name', department: 'department', title: 'title', decisionRole: 'decision_role',
  contactFrequency: 'contact_frequency', phone: 'phone', wechat: 'wechat', notes: 'notes',
} as const;

export async function updateContact(
  db: Db, actor: Actor, id: number, input: z.infer<typeof UpdateContactSchema>,
): Promise<Contact> {
  await getContactOrThrow(db, actor, id, 'update');
  const sql = new Sql();
  const sets = Object.entries(input).map(([k, v]) => {
    return `${COLUMNS[k as keyof typeof COLUMNS]} = ${sql.param(v ?? null)}`;
  });
  await db.query(sql.unprepared(`UPDATE contacts SET ${sets.join(', ')}, updated_at = now() WHERE id = ${sql.param(id)}`));
  await recordEvent(db, {
    actorId: actor.id, entityType: 'contact', entityId: id, type: 'contact.updated', data: { fields: Object.keys(input) },
  });
  return getContactOrThrow(db, actor, id);
}

// Relationship graph ------------------------------------------------------------

const NodeSchema = z.object({
  id: z.string(),
  kind: z.enum(['customer', 'department', 'contact']),
  label: z.string(),
  contactId: z.number().optional(),
  title: z.string().nullable().optional(),
  decisionRole: DecisionRole.nullable().optional(),
  decisionRoleLabel: z.string().optional(),
  contactFrequency: ContactFrequency.nullable().optional(),
  contactFrequencyLabel: z.string().optional(),
  /** 1 (rarely) … 5 (weekly): how thick to draw the edge or how big the node. */
  weight: z.number().optional(),
  contactCount: z.number().optional(),
});
export const RelationshipGraphSchema = z.object({
  customer: z.object({ id: z.number(), name: z.string() }),
  departments: z.array(z.object({ name: z.string(), contacts: z.array(ContactSchema) })),
  nodes: z.array(NodeSchema),
  edges: z.array(z.object({ from: z.string(), to: z.string(), kind: z.enum(['department', 'member']) })),
});
export type RelationshipGraph = z.infer<typeof RelationshipGraphSchema>;

const FREQUENCY_WEIGHT = { weekly: 5, biweekly: 4, monthly: 3, quarterly: 2, rarely: 1 } as const;
const NO_DEPARTMENT = '未填写部门';

/** The customer's departments → contacts, as a tree and as nodes/edges ready for a graph view. */
export async function getRelationshipGraph(db: Db, actor: Actor, customerId: number): Promise<RelationshipGraph> {
  assertCan(actor, 'contacts', 'read');
  const customer = await getCustomerOrThrow(db, actor, customerId);
  const { rows } = await db.query(
    `SELECT ${SELECT} FROM ${FROM} WHERE ct.customer_id = $1 ORDER BY ct.department NULLS LAST, ct.id LIMIT 1000`, [customerId]);
  const byDept = new Map<string, Contact[]>();
  for (const c of rows.map(toContact)) {
    const key = c.department ?? NO_DEPARTMENT;
    byDept.set(key, [...(byDept.get(key) ?? []), c]);
  }
  const root = `customer:${customer.id}`;
  const nodes: RelationshipGraph['nodes'] = [{ id: root, kind: 'customer', label: customer.name }];
  const edges: RelationshipGraph['edges'] = [];
  for (const [name, contacts] of byDept) {
    const deptNode = `department:${name}`;
    nodes.push({ id: deptNode, kind: 'department', label: name, contactCount: contacts.length });
    edges.push({ from: root, to: deptNode, kind: 'department' });
    for (const c of contacts) {
      nodes.push({
        id: `contact:${c.id}`, kind: 'contact', label: c.name, contactId: c.id, title: c.title,
        decisionRole: c.decisionRole, decisionRoleLabel: DECISION_ROLE_LABELS[c.decisionRole ?? 'unknown'],
        contactFrequency: c.contactFrequency,
        contactFrequencyLabel: c.contactFrequency ? CONTACT_FREQUENCY_LABELS[c.contactFrequency] : '未设定',
        weight: c.contactFrequency ? FREQUENCY_WEIGHT[c.contactFrequency] : 1,
      });
      edges.push({ from: deptNode, to: `contact:${c.id}`, kind: 'member' });
    }
  }
  return {
    customer: { id: customer.id, name: customer.name },
    departments: [...byDept].map(([name, contacts]) => ({ name, contacts })),
    nodes,
    edges,
  };
}

export interface ContactRow {
  id: number;
  name: string;
  title: string | null;
  department: string | null;
  decisionRole: 'decision_maker' | 'influencer' | 'user' | 'gatekeeper' | 'champion' | 'unknown' | null;
}

export function toContactRow(r: any): ContactRow {
  return { id: Number(r.id), name: r.name, title: r.title, department: r.department, decisionRole: r.decision_role };
}

export async function contactsOf(db: Db, customerId: number): Promise<ContactRow[]> {
  const { rows } = await db.query(
    'SELECT id, name, title, department, decision_role FROM contacts WHERE customer_id = $1 ORDER BY id LIMIT 200', [customerId]);
  return rows.map(toContactRow);
}
