/**
 * 客户投诉 as records of their own: a severity, a category, the order it
 * concerns, and the time by which it must be resolved (its SLA, by severity,
 * from the 客户投诉升级 alert rule). Overdue or repeated complaints escalate
 * through that rule (core/alerts/fulfilment-checks.ts); resolving one
 * resolves its alert at the next check.
 *
 *   const c = await recordComplaint(db, actor, { customerId, severity: 'high', category: 'delivery', title: '到货少两箱' }, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { complaintEscalationAlert } from '../alerts/fulfilment-alerts.setting.js';
import {
  COMPLAINT_SEVERITIES, COMPLAINT_SEVERITY_LABELS, type ComplaintSeverity,
} from '../alerts/rules/fulfilment-params.js';
import { getCustomerOrThrow } from '../resources/customers.js';
import { recordEvent } from '../resources/events.js';
import { Id, OperationalDateTime, OptionalText } from '../resources/schemas.js';
import { readSetting } from '../settings/read.js';

export const COMPLAINT_CATEGORIES = ['quality', 'delivery', 'wrong_item', 'service', 'billing', 'other'] as const;
export const COMPLAINT_CATEGORY_LABELS: Record<(typeof COMPLAINT_CATEGORIES)[number], string> = {
  quality: '产品质量', delivery: '配送延误', wrong_item: '错发漏发', service: '服务态度', billing: '账款发票', other: '其他',
};

export const NewComplaintSchema = z.strictObject({
  customerId: Id,
  orderId: Id.nullish(),
  severity: z.enum(COMPLAINT_SEVERITIES, { message: '严重程度只能是：一般、较重、严重、紧急' }),
  category: z.enum(COMPLAINT_CATEGORIES, { message: '类别只能是：产品质量、配送延误、错发漏发、服务态度、账款发票、其他' }),
  title: z.string().trim().min(1, '请写一句话说明投诉内容').max(200),
  description: OptionalText(2000),
  /** When the customer complained; defaults to now. */
  receivedAt: OperationalDateTime.optional(),
});

export const ResolveComplaintSchema = z.strictObject({ resolution: z.string().trim().min(1, '请写明处理结果').max(2000) });

export const ComplaintSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  customerName: z.string(),
  orderId: z.number().nullable(),
  orderNo: z.string().nullable(),
  severity: z.enum(COMPLAINT_SEVERITIES),
  severityLabel: z.string(),
  category: z.enum(COMPLAINT_CATEGORIES),
  categoryLabel: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  receivedAt: z.string(),
  slaDueAt: z.string(),
  overdue: z.boolean(),
  status: z.enum(['open', 'resolved']),
  resolvedAt: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type Complaint = z.infer<typeof ComplaintSchema>;

function toComplaint(r: any, now: Date): Complaint {
  return {
    id: r.id, customerId: r.customer_id, customerName: r.customer_name, orderId: r.order_id, orderNo: r.order_no ?? null,
    severity: r.severity, severityLabel: COMPLAINT_SEVERITY_LABELS[r.severity as ComplaintSeverity],
    category: r.category, categoryLabel: COMPLAINT_CATEGORY_LABELS[r.category as keyof typeof COMPLAINT_CATEGORY_LABELS],
    title: r.title, description: r.description, receivedAt: r.received_at.toISOString(), slaDueAt: r.sla_due_at.toISOString(),
    overdue: r.status === 'open' && r.sla_due_at < now, status: r.status, resolvedAt: r.resolved_at?.toISOString() ?? null, resolution: r.resolution,
  };
}

const SELECT = `SELECT k.*, c.name AS customer_name, o.order_no FROM complaints k JOIN customers c ON c.id = k.customer_id
  LEFT JOIN orders o ON o.id = k.order_id`;

/** The SLA hours in force (setting alerts.complaint-escalation; a complaint has its deadline even while escalation is off). */
async function slaHours(db: Db): Promise<Record<ComplaintSeverity, number>> {
  return (await readSetting(db, complaintEscalationAlert)).slaHours;
}

export async function recordComplaint(db: Db, actor: Actor, input: z.infer<typeof NewComplaintSchema>, now: Date): Promise<Complaint> {
  assertCan(actor, 'customers', 'update');
  const customer = await getCustomerOrThrow(db, actor, input.customerId);
  if (input.orderId) {
    const { rows } = await db.query('SELECT 1 FROM orders WHERE id = $1 AND customer_id = $2', [input.orderId, input.customerId]);
    if (!rows[0]) throw new AppError('REFERENCE_INVALID', { orderId: input.orderId }, '投诉关联的订单不属于这个客户');
  }
  const received = input.receivedAt ? new Date(input.receivedAt) : now;
  if (received > now) throw new AppError('VALIDATION_FAILED', [{ path: 'body.receivedAt', message: '投诉时间不能晚于现在' }]);
  const due = new Date(received.getTime() + (await slaHours(db))[input.severity] * 3_600_000);
  const { rows: [r] } = await db.query(
    `INSERT INTO complaints (customer_id, order_id, severity, category, title, description, received_at, sla_due_at, owner_id, department_id, recorded_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
    [input.customerId, input.orderId ?? null, input.severity, input.category, input.title, input.description ?? null, received, due,
      customer.ownerId, customer.departmentId, actor.id]);
  await recordEvent(db, { actorId: actor.id, entityType: 'customer', entityId: input.customerId, type: 'complaint.recorded', data: { complaintId: r.id, severity: input.severity } });
  return getComplaint(db, actor, r.id, now);
}

export async function getComplaint(db: Db, actor: Actor, id: number, now: Date): Promise<Complaint> {
  const { rows: [r] } = await db.query(`${SELECT} WHERE k.id = $1`, [id]);
  if (!r) throw new AppError('NOT_FOUND', { id }, '投诉不存在');
  await getCustomerOrThrow(db, actor, r.customer_id).catch(() => { throw new AppError('NOT_FOUND', { id }, '投诉不存在'); });
  return toComplaint(r, now);
}

export async function resolveComplaint(db: Db, actor: Actor, id: number, resolution: string, now: Date): Promise<Complaint> {
  assertCan(actor, 'customers', 'update');
  const c = await getComplaint(db, actor, id, now);
  if (c.status === 'resolved') throw new AppError('CONFLICT', { id }, '这条投诉已经处理完了');
  await db.query(`UPDATE complaints SET status = 'resolved', resolved_at = $2, resolution = $3 WHERE id = $1`, [id, now, resolution]);
  await recordEvent(db, { actorId: actor.id, entityType: 'customer', entityId: c.customerId, type: 'complaint.resolved', data: { complaintId: id } });
  return getComplaint(db, actor, id, now);
}

export async function listCustomerComplaints(db: Db, actor: Actor, customerId: number, now: Date): Promise<Complaint[]> {
  assertCan(actor, 'customers', 'read');
  await getCustomerOrThrow(db, actor, customerId);
  const { rows } = await db.query(`${SELECT} WHERE k.customer_id = $1 ORDER BY k.status, k.received_at DESC LIMIT 50`, [customerId]);
  return rows.map((r) => toComplaint(r, now));
}
