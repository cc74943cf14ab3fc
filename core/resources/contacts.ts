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
import {
  ATTITUDE_LABELS, ATTITUDES, BUYING_ROLE_LABELS, BUYING_ROLE_OPTIONS, BUYING_ROLES,
  type Attitude, type BuyingRole, type ContactEventKind,
} from '../flow/buying-centre.js';
import { shanghaiDate } from '../flow/time.js';

/**
 * Contacts are the customer's buying centre: who initiates, uses, influences,
 * decides, buys and guards the gate (core/flow/buying-centre.ts), how they
 * stand toward us, who reports to whom. They have no owner of their own —
 * row scope is the customer's, so a contact moves with its customer. Changes
 * to role, attitude, 内线 or reporting line are kept as contact events.
 */
export const BuyingRoleSchema = z.enum(BUYING_ROLES, { message: `角色只能是：${BUYING_ROLE_OPTIONS.join('、')}` });
export const AttitudeSchema = z.enum(ATTITUDES, { message: '态度只能是：支持、中立、反对' });
export const Phone = z.string().trim().regex(/^[0-9+\-\s()]{5,30}$/, '电话号码格式不正确');

export const ContactSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  customerName: z.string(),
  name: z.string(),
  department: z.string().nullable(),
  title: z.string().nullable(),
  buyingRole: BuyingRoleSchema.nullable(),
  /** 决策者 …; '未标注' when no role is known. */
  buyingRoleLabel: z.string(),
  attitude: AttitudeSchema.nullable(),
  attitudeLabel: z.string(),
  /** 内线（教练）: an inside champion who coaches us. */
  isCoach: z.boolean(),
  preferences: z.string().nullable(),
  reportsToId: z.number().nullable(),
  reportsToName: z.string().nullable(),
  status: z.enum(['active', 'left']),
  leftOn: z.string().nullable(),
  phone: z.string().nullable(),
  wechat: z.string().nullable(),
  notes: z.string().nullable(),
  /** The contact's WeCom external id (客户联系): a share page opened in WeCom or WeChat is recognised by it. */
  wecomExternalUserid: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof ContactSchema>;

export const ContactFields = {
  name: Name,
  department: OptionalText(100),
  title: OptionalText(100),
  buyingRole: BuyingRoleSchema.nullish(),
  attitude: AttitudeSchema.nullish(),
  isCoach: z.boolean().optional(),
  preferences: OptionalText(1000),
  reportsToId: Id.nullish(),
  phone: Phone.nullish(),
  wechat: OptionalText(100),
  notes: OptionalText(2000),
  wecomExternalUserid: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, '企业微信外部联系人ID格式不正确').nullish(),
};

export const CreateContactSchema = z.object({ customerId: Id, ...ContactFields }).strict();

export const UpdateContactSchema = z.object(ContactFields).partial().strict()
  .refine((o) => Object.keys(o).length > 0, '至少修改一个字段');

export const ListContactsQuery = PageQuerySchema.extend({
  customerId: IdParam.optional(),
  q: z.string().trim().max(100).optional(),
  buyingRole: BuyingRoleSchema.optional(),
  status: z.enum(['active', 'left']).optional(),
  sort: z.enum(['id', 'name', 'createdAt', 'updatedAt']).default('id'),
}).strict();

const SORTS = { id: 'ct.id', name: 'ct.name', createdAt: 'ct.created_at', updatedAt: 'ct.updated_at' } as const;
const SELECT = 'ct.*, c.name AS customer_name, boss.name AS reports_to_name';
const FROM = 'contacts ct JOIN customers c ON c.id = ct.customer_id LEFT JOIN contacts boss ON boss.id = ct.reports_to_id';

export function toContact(r: any): Contact {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    name: r.name,
    department: r.department,
    title: r.title,
    buyingRole: r.buying_role,
    buyingRoleLabel: r.buying_role ? BUYING_ROLE_LABELS[r.buying_role as BuyingRole] : '未标注',
    attitude: r.attitude,
    attitudeLabel: r.attitude ? ATTITUDE_LABELS[r.attitude as Attitude] : '未知',
    isCoach: r.is_coach,
    preferences: r.preferences,
    reportsToId: r.reports_to_id,
    reportsToName: r.reports_to_name ?? null,
    status: r.status,
    leftOn: r.left_on,
    phone: r.phone,
    wechat: r.wechat,
    notes: r.notes,
    wecomExternalUserid: r.wecom_external_userid ?? null,
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
  if (q.buyingRole) where.push(`ct.buying_role = ${sql.param(q.buyingRole)}`);
  if (q.status) where.push(`ct.status = ${sql.param(q.status)}`);
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'ct.id', page: q }, toContact);
}

export async function getContactOrThrow(db: Db, actor: Actor, id: number, verb: 'read' | 'update' = 'read'): Promise<Contact> {
  assertCan(actor, 'contacts', verb);
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE ct.id = ${sql.param(id)} AND ${viaCustomerScope(actor, sql)}`));
  if (!rows[0]) throw new AppError('CONTACT_NOT_FOUND', { id });
  return toContact(rows[0]);
}

/**
 * A reporting line must stay inside the customer and never loop back
 * (A → B → A would make the org chart a circle).
 */
export async function assertReportsTo(db: Db, customerId: number, contactId: number | null, reportsToId: number): Promise<void> {
  const { rows } = await db.query(
    `WITH RECURSIVE up AS (
       SELECT id, reports_to_id, customer_id, 1 AS depth FROM contacts WHERE id = $1
       UNION ALL
       SELECT k.id, k.reports_to_id, k.customer_id, up.depth + 1 FROM contacts k JOIN up ON k.id = up.reports_to_id WHERE up.depth < 50)
     SELECT (SELECT customer_id FROM up WHERE id = $1) AS customer_id, bool_or(id = $2) AS loops FROM up`,
    [reportsToId, contactId]);
  if (Number(rows[0]?.customer_id) !== customerId) {
    throw new AppError('REFERENCE_INVALID', { reportsToId }, '汇报对象必须是同一客户的联系人');
  }
  if (rows[0].loops) throw new AppError('REFERENCE_INVALID', { reportsToId }, '汇报关系不能形成循环（不能汇报给自己或自己的下属）');
}

export interface ContactWriteOptions {
  /** Where the change came from, kept on its contact event. */
  source?: 'app' | 'bot' | 'import';
  now?: Date;
}

/** Adds a contact to the buying centre, kept as an 'added' event. */
export async function createContact(
  db: Db, actor: Actor, input: z.infer<typeof CreateContactSchema>, opts: ContactWriteOptions = {},
): Promise<Contact> {
  const created = await insertContact(db, actor, input);
  await insertContactEvent(db, actor, {
    customerId: input.customerId, contactId: created.id, kind: 'added', source: opts.source,
    occurredOn: shanghaiDate(opts.now ?? new Date()), note: null, before: {}, after: chainFacts(created),
  });
  return created;
}

/** The row alone; the caller records the event that explains it (added, joined). */
export async function insertContact(db: Db, actor: Actor, input: z.infer<typeof CreateContactSchema>): Promise<Contact> {
  assertCan(actor, 'contacts', 'create');
  await requireCustomerRef(db, actor, input.customerId);
  if (input.reportsToId) await assertReportsTo(db, input.customerId, null, input.reportsToId);
  const { rows } = await db.query(
    `INSERT INTO contacts (customer_id, name, department, title, buying_role, attitude, is_coach, preferences, reports_to_id,
                           phone, wechat, notes, wecom_external_userid)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
    [input.customerId, input.name, input.department ?? null, input.title ?? null, input.buyingRole ?? null,
      input.attitude ?? null, input.isCoach ?? false, input.preferences ?? null, input.reportsToId ?? null,
      input.phone ?? null, input.wechat ?? null, input.notes ?? null, input.wecomExternalUserid ?? null],
  );
  const id: number = rows[0].id;
  await recordEvent(db, {
    actorId: actor.id, entityType: 'contact', entityId: id, type: 'contact.created',
    data: { customerId: input.customerId, name: input.name, buyingRole: input.buyingRole ?? null },
  });
  return getContactOrThrow(db, actor, id);
}

const COLUMNS = {
  name: 'name', department: 'department', title: 'title', buyingRole: 'buying_role', attitude: 'attitude',
  isCoach: 'is_coach', preferences: 'preferences', reportsToId: 'reports_to_id',
  phone: 'phone', wechat: 'wechat', notes: 'notes', wecomExternalUserid: 'wecom_external_userid',
} as const;

/** What a contact event records before and after: the facts that place someone in the chain. */
export function chainFacts(c: Contact): Record<string, unknown> {
  return {
    name: c.name, department: c.department, title: c.title, buyingRole: c.buyingRole, attitude: c.attitude,
    isCoach: c.isCoach, reportsToId: c.reportsToId, reportsToName: c.reportsToName, status: c.status,
  };
}

const ROLE_KEYS = ['buyingRole', 'attitude', 'isCoach'] as const;

/**
 * Edits a contact. A change of role, attitude or 内线 is kept as a
 * 'role_changed' event, a new reporting line as 'reporting_changed'; other
 * edits (a phone, a spelling) are corrections and leave no event.
 */
export async function updateContact(
  db: Db, actor: Actor, id: number, input: z.infer<typeof UpdateContactSchema>, opts: ContactWriteOptions = {},
): Promise<Contact> {
  const before = await getContactOrThrow(db, actor, id, 'update');
  if (input.reportsToId) await assertReportsTo(db, before.customerId, id, input.reportsToId);
  const sql = new Sql();
  const sets = Object.entries(input).map(([k, v]) => {
    return `${COLUMNS[k as keyof typeof COLUMNS]} = ${sql.param(k === 'isCoach' ? Boolean(v) : v ?? null)}`;
  });
  await db.query(sql.unprepared(`UPDATE contacts SET ${sets.join(', ')}, updated_at = now() WHERE id = ${sql.param(id)}`));
  await recordEvent(db, {
    actorId: actor.id, entityType: 'contact', entityId: id, type: 'contact.updated', data: { fields: Object.keys(input) },
  });
  const after = await getContactOrThrow(db, actor, id);
  const occurredOn = shanghaiDate(opts.now ?? new Date());
  const changed = (keys: readonly (keyof Contact)[]) => keys.some((k) => before[k] !== after[k]);
  if (changed(ROLE_KEYS)) {
    await insertContactEvent(db, actor, {
      customerId: after.customerId, contactId: id, kind: 'role_changed', source: opts.source, occurredOn, note: null,
      before: chainFacts(before), after: chainFacts(after),
    });
  }
  if (changed(['reportsToId'])) {
    await insertContactEvent(db, actor, {
      customerId: after.customerId, contactId: id, kind: 'reporting_changed', source: opts.source, occurredOn, note: null,
      before: chainFacts(before), after: chainFacts(after),
    });
  }
  return after;
}

export interface NewContactEvent {
  customerId: number;
  contactId: number;
  kind: ContactEventKind;
  occurredOn: string;
  /** How an approximate date reads (约11月); absent for a day actually said. */
  occurredLabel?: string | null;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  note: string | null;
  source?: 'app' | 'bot' | 'import';
}

/** Appends one change to the chain's history; returns its id. */
export async function insertContactEvent(db: Db, actor: Actor, e: NewContactEvent): Promise<number> {
  const { rows: [r] } = await db.query(
    `INSERT INTO contact_events (customer_id, contact_id, kind, occurred_on, before, after, note, source, recorded_by, occurred_label)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
    [e.customerId, e.contactId, e.kind, e.occurredOn, e.before, e.after, e.note, e.source ?? 'app', actor.id, e.occurredLabel ?? null]);
  return r.id;
}

/** Every contact of one customer, departed ones included, in department order (the caller has checked scope). */
export async function customerContacts(db: Db, customerId: number): Promise<Contact[]> {
  const { rows } = await db.query(
    `SELECT ${SELECT} FROM ${FROM} WHERE ct.customer_id = $1 ORDER BY ct.department NULLS LAST, ct.id LIMIT 1000`, [customerId]);
  return rows.map(toContact);
}

export interface ContactRow {
  id: number;
  name: string;
  title: string | null;
  department: string | null;
  buyingRole: BuyingRole | null;
}

export function toContactRow(r: any): ContactRow {
  return { id: Number(r.id), name: r.name, title: r.title, department: r.department, buyingRole: r.buying_role };
}

export async function contactsOf(db: Db, customerId: number): Promise<ContactRow[]> {
  const { rows } = await db.query(
    `SELECT id, name, title, department, buying_role FROM contacts WHERE customer_id = $1 AND status = 'active' ORDER BY id LIMIT 200`, [customerId]);
  return rows.map(toContactRow);
}
