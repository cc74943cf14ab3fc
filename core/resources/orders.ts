import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiInstant } from '../flow/time.js';
import { requireCustomerRef, viaCustomerScope } from './contacts.js';
import { customerScope } from './customers.js';
import { recordEvent } from './events.js';
import { requireOpportunityRef } from './opportunities.js';
import { PageQuerySchema, runList, type Page } from './pagination.js';
import { Id, IdParam, OperationalDate, OperationalDateTime, Money } from './schemas.js';

/**
 * Orders and contracts. Row scope is the customer's: whoever may see the
 * customer sees its orders (they feed the visit report's orders.linked rule).
 */
export const OrderKind = z.enum(['order', 'contract']);
export const OrderStatus = z.enum(['draft', 'confirmed', 'shipped', 'delivered', 'cancelled']);

export const OrderSchema = z.object({
  id: z.number(),
  orderNo: z.string(),
  kind: OrderKind,
  customerId: z.number(),
  customerName: z.string(),
  opportunityId: z.number().nullable(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  amount: z.number(),
  status: OrderStatus,
  orderedAt: z.string(),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Order = z.infer<typeof OrderSchema>;

export const CreateOrderSchema = z.object({
  orderNo: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,39}$/, '订单号只能包含字母、数字和 -_/.，最长40位'),
  kind: OrderKind.default('order'),
  customerId: Id,
  opportunityId: Id.optional(),
  amount: Money,
  status: OrderStatus.default('confirmed'),
  orderedAt: OperationalDateTime.optional(),
  dueAt: OperationalDateTime.nullish(),
}).strict();

export const UpdateOrderSchema = z.object({
  status: OrderStatus.optional(),
  dueAt: OperationalDateTime.nullable().optional(),
  /** null unlinks the order from its opportunity. */
  opportunityId: Id.nullable().optional(),
}).strict().refine((o) => Object.keys(o).length > 0, '至少修改一个字段');

export const ListOrdersQuery = PageQuerySchema.extend({
  customerId: IdParam.optional(),
  opportunityId: IdParam.optional(),
  kind: OrderKind.optional(),
  status: OrderStatus.optional(),
  /** Calendar days in Asia/Shanghai, both inclusive. */
  from: OperationalDate.optional(),
  to: OperationalDate.optional(),
  sort: z.enum(['orderedAt', 'amount', 'id']).default('orderedAt'),
}).strict().refine((q) => !q.from || !q.to || q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['from'] });

export const RecentOrdersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(20).default(3),
}).strict();

const SORTS = { orderedAt: 'o.ordered_at', amount: 'o.amount', id: 'o.id' } as const;
const SELECT = 'o.*, c.name AS customer_name, u.name AS owner_name';
const FROM = 'orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = o.owner_id';

export function toOrder(r: any): Order {
  return {
    id: r.id, orderNo: r.order_no, kind: r.kind, customerId: r.customer_id, customerName: r.customer_name,
    opportunityId: r.opportunity_id, ownerId: r.owner_id, ownerName: r.owner_name ?? null, amount: r.amount,
    status: r.status, orderedAt: r.ordered_at.toISOString(), dueAt: r.due_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

export async function listOrders(db: Db, actor: Actor, q: z.infer<typeof ListOrdersQuery>): Promise<Page<Order>> {
  assertCan(actor, 'orders', 'read');
  const sql = new Sql();
  const where = [viaCustomerScope(actor, sql)];
  if (q.customerId) where.push(`o.customer_id = ${sql.param(q.customerId)}`);
  if (q.opportunityId) where.push(`o.opportunity_id = ${sql.param(q.opportunityId)}`);
  if (q.kind) where.push(`o.kind = ${sql.param(q.kind)}`);
  if (q.status) where.push(`o.status = ${sql.param(q.status)}`);
  if (q.from) where.push(`o.ordered_at >= ${sql.param(shanghaiInstant(q.from))}`);
  if (q.to) where.push(`o.ordered_at < ${sql.param(shanghaiInstant(addCalendarDays(q.to, 1)))}`);
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'o.id', page: q }, toOrder);
}

export async function getOrderOrThrow(db: Db, actor: Actor, id: number, verb: 'read' | 'update' = 'read', lock = false): Promise<Order> {
  assertCan(actor, 'orders', verb);
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE o.id = ${sql.param(id)} AND ${viaCustomerScope(actor, sql)}${lock ? ' FOR UPDATE OF o' : ''}`));
  if (!rows[0]) throw new AppError('ORDER_NOT_FOUND', { id });
  return toOrder(rows[0]);
}

/** An opportunity linked to an order must be visible to the actor and belong to the same customer. */
async function requireLinkableOpportunity(db: Db, actor: Actor, opportunityId: number, customerId: number): Promise<void> {
  const opp = await requireOpportunityRef(db, actor, opportunityId);
  if (opp.customerId !== customerId) {
    throw new AppError('REFERENCE_INVALID', { opportunityId, customerId }, '关联的商机不属于该订单的客户');
  }
}

export async function createOrder(db: Db, actor: Actor, input: z.infer<typeof CreateOrderSchema>): Promise<Order> {
  assertCan(actor, 'orders', 'create');
  const customer = await requireCustomerRef(db, actor, input.customerId);
  if (input.opportunityId !== undefined) await requireLinkableOpportunity(db, actor, input.opportunityId, customer.id);
  const dup = await db.query('SELECT 1 FROM orders WHERE order_no = $1', [input.orderNo]);
  if (dup.rows[0]) throw new AppError('DUPLICATE', { orderNo: input.orderNo }, `订单号 ${input.orderNo} 已存在`);
  const { rows } = await db.query(
    `INSERT INTO orders (order_no, kind, customer_id, opportunity_id, owner_id, amount, status, ordered_at, due_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,COALESCE($8, now()),$9) RETURNING id`,
    [input.orderNo, input.kind, customer.id, input.opportunityId ?? null, customer.ownerId ?? actor.id, input.amount,
      input.status, input.orderedAt ?? null, input.dueAt ?? null],
  );
  if (input.kind === 'contract') {
    // a contract signs the customer: 首单延迟发货 counts from the first signing
    await db.query('UPDATE customers SET signed_at = COALESCE(signed_at, $2) WHERE id = $1', [customer.id, input.orderedAt ?? new Date()]);
  }
  await recordEvent(db, {
    actorId: actor.id, entityType: 'order', entityId: rows[0].id, type: 'order.created',
    data: { orderNo: input.orderNo, kind: input.kind, customerId: customer.id, amount: input.amount, opportunityId: input.opportunityId ?? null },
  });
  return getOrderOrThrow(db, actor, rows[0].id);
}

export async function updateOrder(db: Db, actor: Actor, id: number, input: z.infer<typeof UpdateOrderSchema>): Promise<Order> {
  const before = await getOrderOrThrow(db, actor, id, 'update', true);
  if (input.opportunityId) await requireLinkableOpportunity(db, actor, input.opportunityId, before.customerId);
  await db.query(
    `UPDATE orders SET status = COALESCE($2, status),
       due_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE due_at END,
       opportunity_id = CASE WHEN $5::boolean THEN $6::bigint ELSE opportunity_id END
     WHERE id = $1`,
    [id, input.status ?? null, input.dueAt !== undefined, input.dueAt ?? null, input.opportunityId !== undefined, input.opportunityId ?? null],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'order', entityId: id, type: 'order.updated',
    data: {
      fields: Object.keys(input),
      ...(input.status && input.status !== before.status ? { fromStatus: before.status, toStatus: input.status } : {}),
      ...(input.opportunityId !== undefined ? { fromOpportunity: before.opportunityId, toOpportunity: input.opportunityId } : {}),
    },
  });
  return getOrderOrThrow(db, actor, id);
}

/** The customer's latest N orders, newest first: what a visit report must link (orders.linked). */
export async function suggestLinkedOrders(db: Db, actor: Actor, customerId: number, limit: number): Promise<{ items: Order[] }> {
  assertCan(actor, 'orders', 'read');
  assertCan(actor, 'customers', 'read');
  // the customer as the actor may see it and its orders in one statement (the bot asks at every save of a
  // report whose customer has none yet): no row at all when the customer is not theirs to see
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(
    `SELECT o.*, c.name AS customer_name, u.name AS owner_name
       FROM customers c
       LEFT JOIN LATERAL (SELECT * FROM orders x WHERE x.customer_id = c.id ORDER BY x.ordered_at DESC, x.id DESC LIMIT ${sql.param(limit)}) o ON true
       LEFT JOIN users u ON u.id = o.owner_id
      WHERE c.id = ${sql.param(customerId)} AND ${customerScope(actor, sql)}
      ORDER BY o.ordered_at DESC, o.id DESC`));
  if (rows.length === 0) throw new AppError('CUSTOMER_NOT_FOUND', { id: customerId });
  return { items: rows.filter((r) => r.id !== null).map(toOrder) };
}
