import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { likePattern, Sql } from '../db/sql.js';
import type { CoordSystem } from '../flow/types.js';
import { AppError } from '../errors.js';
import { recordEvent } from './events.js';
import { PageQuerySchema, runList, type Page } from './pagination.js';
import { Coordinates, CustomerType, Id, IdParam, Name, OptionalText, QueryBool } from './schemas.js';
import { resolveOwner } from './ownership.js';

export const CustomerSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: CustomerType,
  address: z.string().nullable(),
  location: Coordinates.nullable(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  departmentId: z.number().nullable(),
  productLineId: z.number().nullable(),
  status: z.enum(['active', 'inactive']),
  lastFollowupAt: z.string().nullable(),
  lastEffectiveFollowupAt: z.string().nullable(),
  profile: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Customer = z.infer<typeof CustomerSchema>;

const Profile = z.record(z.string().max(50), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((o) => Object.keys(o).length <= 50, '资料字段不能超过50项');

export const CreateCustomerSchema = z.object({
  name: Name,
  type: CustomerType,
  address: OptionalText(300),
  location: Coordinates.nullish(),
  ownerId: Id.optional(),
  productLineId: Id.nullish(),
  profile: Profile.optional(),
}).strict();

export const UpdateCustomerSchema = CreateCustomerSchema.partial()
  .extend({ status: z.enum(['active', 'inactive']).optional() })
  .strict()
  .refine((o) => Object.keys(o).length > 0, '至少修改一个字段');

export const ListCustomersQuery = PageQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  type: CustomerType.optional(),
  ownerId: IdParam.optional(),
  departmentId: IdParam.optional(),
  productLineId: IdParam.optional(),
  silentDays: z.coerce.number().int().min(1).max(3650).optional(),
  active: QueryBool.optional(),
  sort: z.enum(['id', 'name', 'createdAt', 'updatedAt', 'lastEffectiveFollowupAt']).default('id'),
}).strict();

const SORTS = {
  id: 'c.id',
  name: 'c.name',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
  // never-followed-up customers sort as the oldest
  lastEffectiveFollowupAt: "COALESCE(c.last_effective_followup_at, '-infinity'::timestamptz)",
} as const;

const SELECT = `c.*, u.name AS owner_name`;
const FROM = `customers c LEFT JOIN users u ON u.id = c.owner_id`;

export function toCustomer(r: any): Customer {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    address: r.address,
    location: r.lat === null ? null : { lat: r.lat, lng: r.lng, system: r.coord_system },
    ownerId: r.owner_id,
    ownerName: r.owner_name ?? null,
    departmentId: r.department_id,
    productLineId: r.product_line_id,
    status: r.status,
    lastFollowupAt: r.last_followup_at?.toISOString() ?? null,
    lastEffectiveFollowupAt: r.last_effective_followup_at?.toISOString() ?? null,
    profile: r.profile,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The customers `c` the actor may see, as SQL. */
export const customerScope = (actor: Actor, sql: Sql) =>
  scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, sql);

export async function listCustomers(
  db: Db, actor: Actor, q: z.infer<typeof ListCustomersQuery>, now = new Date(),
): Promise<Page<Customer>> {
  assertCan(actor, 'customers', 'read');
  const sql = new Sql();
  const where = [customerScope(actor, sql)];
  if (q.q) where.push(`c.name ILIKE ${sql.param(likePattern(q.q))}`);
  if (q.type) where.push(`c.type = ${sql.param(q.type)}`);
  if (q.ownerId) where.push(`c.owner_id = ${sql.param(q.ownerId)}`);
  if (q.departmentId) where.push(inDepartmentSubtree(sql, 'c.department_id', { id: q.departmentId }));
  if (q.productLineId) where.push(`c.product_line_id = ${sql.param(q.productLineId)}`);
  if (q.active !== undefined) where.push(`(c.status = 'active') = ${sql.param(q.active)}`);
  if (q.silentDays) {
    const since = sql.param(new Date(now.getTime() - q.silentDays * 86_400_000));
    where.push(`c.status = 'active' AND COALESCE(c.last_effective_followup_at, c.became_active_at) < ${since}`);
  }
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'c.id', page: q }, toCustomer);
}

/** Reads one customer the actor may see; anything else is a 404, so ids do not leak. */
export async function getCustomerOrThrow(db: Db, actor: Actor, id: number, verb: 'read' | 'update' = 'read'): Promise<Customer> {
  assertCan(actor, 'customers', verb);
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE c.id = ${sql.param(id)} AND ${customerScope(actor, sql)}`));
  if (!rows[0]) throw new AppError('CUSTOMER_NOT_FOUND', { id });
  return toCustomer(rows[0]);
}

export async function createCustomer(db: Db, actor: Actor, input: z.infer<typeof CreateCustomerSchema>): Promise<Customer> {
  assertCan(actor, 'customers', 'create');
  const owner = await resolveOwner(db, actor, input.ownerId);
  const { rows } = await db.query(
    `INSERT INTO customers (name, type, address, lat, lng, coord_system, owner_id, department_id, product_line_id, profile)
     VALUES ($1,$2,$3,$4,$5,COALESCE($6,'gcj02'),$7,$8,$9,$10) RETURNING id`,
    [input.name, input.type, input.address ?? null, input.location?.lat ?? null, input.location?.lng ?? null,
      input.location?.system ?? null, owner.id, owner.departmentId, input.productLineId ?? null, input.profile ?? {}],
  );
  await recordEvent(db, { actorId: actor.id, entityType: 'customer', entityId: rows[0].id, type: 'customer.created', data: { name: input.name } });
  return getCustomerOrThrow(db, actor, rows[0].id);
}

export async function updateCustomer(
  db: Db, actor: Actor, id: number, input: z.infer<typeof UpdateCustomerSchema>,
): Promise<Customer> {
  const before = await getCustomerOrThrow(db, actor, id, 'update');
  const owner = input.ownerId !== undefined ? await resolveOwner(db, actor, input.ownerId) : null;
  const loc = input.location;
  await db.query(
    `UPDATE customers SET
       name = COALESCE($2, name), type = COALESCE($3, type),
       address = CASE WHEN $4::boolean THEN $5 ELSE address END,
       lat = CASE WHEN $6::boolean THEN $7::float8 ELSE lat END,
       lng = CASE WHEN $6::boolean THEN $8::float8 ELSE lng END,
       coord_system = CASE WHEN $6::boolean THEN COALESCE($9, coord_system) ELSE coord_system END,
       owner_id = COALESCE($10, owner_id), department_id = COALESCE($11, department_id),
       product_line_id = CASE WHEN $12::boolean THEN $13::bigint ELSE product_line_id END,
       profile = profile || COALESCE($14::jsonb, '{}'::jsonb),
       status = COALESCE($15, status), updated_at = now()
     WHERE id = $1`,
    [id, input.name ?? null, input.type ?? null, input.address !== undefined, input.address ?? null,
      loc !== undefined, loc?.lat ?? null, loc?.lng ?? null, loc?.system ?? null,
      owner?.id ?? null, owner?.departmentId ?? null, input.productLineId !== undefined, input.productLineId ?? null,
      input.profile ? JSON.stringify(input.profile) : null, input.status ?? null],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'customer', entityId: id, type: 'customer.updated',
    data: { fields: Object.keys(input), ...(owner && owner.id !== before.ownerId ? { fromOwner: before.ownerId, toOwner: owner.id } : {}) },
  });
  return getCustomerOrThrow(db, actor, id);
}

/** Where a customer is, for the bot's matching of names and locations. */
export interface CustomerPlace {
  id: number;
  name: string;
  lat: number | null;
  lng: number | null;
  coordSystem: CoordSystem;
}

export function toCustomerPlace(r: any): CustomerPlace {
  return { id: Number(r.id), name: r.name, lat: r.lat === null ? null : Number(r.lat), lng: r.lng === null ? null : Number(r.lng), coordSystem: r.coord_system };
}

/** Customers the rep owns. */
export async function customersOf(db: Db, userId: number): Promise<CustomerPlace[]> {
  const { rows } = await db.query(
    'SELECT id, name, lat, lng, coord_system FROM customers WHERE owner_id = $1 AND status = $2 ORDER BY id LIMIT 500', [userId, 'active']);
  return rows.map(toCustomerPlace);
}

export async function customerPlace(db: Db, customerId: number): Promise<CustomerPlace | null> {
  const { rows: [r] } = await db.query('SELECT id, name, lat, lng, coord_system FROM customers WHERE id = $1', [customerId]);
  return r ? { id: r.id, name: r.name, lat: r.lat, lng: r.lng, coordSystem: r.coord_system } : null;
}
