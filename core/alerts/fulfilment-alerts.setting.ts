/**
 * The fulfilment and licence alert rules' numbers and recipients as
 * settings (the same shape as alert-rules.setting.ts: params plus `enabled`,
 * written through to `alert_rules`, read by the hourly fulfilment check and
 * the daily licence check). Previews count what the current data would raise
 * under the old and the new numbers.
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { daysBefore } from './run-detection.js';
import { compareSets, defaultParams, labelled, projectTo, recipients } from './alert-rules.setting.js';
import { defineSetting, type PreviewResult } from '../settings/define.js';
import {
  COMPLAINT_SEVERITIES, COMPLAINT_SEVERITY_LABELS, ComplaintEscalationParamsSchema, FirstOrderLateParamsSchema, LicenceExpiryParamsSchema,
  OrderErrorsParamsSchema, ReorderOverdueParamsSchema,
} from './rules/fulfilment-params.js';

const FirstOrderSchema = labelled(FirstOrderLateParamsSchema, {
  days: { title: '首单应发货', unit: '天', description: '签约后这么多天首单仍未发货即预警' },
  signedWithinDays: { title: '新客户期限', unit: '天', description: '签约超过这么多天的客户不再算新客户' },
  recipients,
});
const ReorderSchema = labelled(ReorderOverdueParamsSchema, {
  minOrders: { title: '老客户至少', unit: '单', description: '下过这么多单的客户才算老客户（能算出平时间隔）' },
  factor: { title: '超过平时间隔的', unit: '倍', description: '距上次下单超过平时间隔的这个倍数即预警' },
  minDaysLate: { title: '且至少晚', unit: '天', description: '间隔很短的客户，晚这么多天以上才预警' },
  recipients,
});
const OrderErrorsSchema = labelled(OrderErrorsParamsSchema, {
  lookbackDays: { title: '检查最近', unit: '天', description: '检查这么多天内确认的订单' }, recipients,
});
const SlaHours = z.strictObject(Object.fromEntries(COMPLAINT_SEVERITIES.map((s) => [
  s, ComplaintEscalationParamsSchema.shape.slaHours.shape[s].meta({ title: COMPLAINT_SEVERITY_LABELS[s], unit: '小时' }),
])) as typeof ComplaintEscalationParamsSchema.shape.slaHours.shape).meta({ title: '处理时限', description: '按严重程度，投诉收到后这么多小时内应解决' });
const ComplaintSchema = labelled(ComplaintEscalationParamsSchema, {
  slaHours: SlaHours,
  repeatCount: { title: '重复投诉', unit: '次', description: '同一客户在统计窗口内投诉达到这么多次即升级' },
  repeatWindowDays: { title: '统计窗口', unit: '天' },
  recipients,
});
const LicenceSchema = labelled(LicenceExpiryParamsSchema, { recipients });

const NOW_LABEL = '以现有数据计，';
const byId = (rows: Array<{ id: number; name: string }>) => new Map(rows.map((r) => [Number(r.id), r.name]));

async function lateFirstOrders(db: Db, v: z.output<typeof FirstOrderSchema>, now: Date): Promise<Map<number, string>> {
  if (!v.enabled) return new Map();
  const { rows } = await db.query(
    `SELECT c.id, c.name FROM customers c
      WHERE c.status = 'active' AND c.signed_at >= $1 AND c.signed_at < $2
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.kind = 'order' AND o.shipped_at IS NOT NULL)`,
    [daysBefore(now, v.signedWithinDays), daysBefore(now, v.days)]);
  return byId(rows);
}

async function overdueReorders(db: Db, v: z.output<typeof ReorderSchema>, now: Date): Promise<Map<number, string>> {
  if (!v.enabled) return new Map();
  const { rows } = await db.query(
    `SELECT c.id, c.name FROM customer_order_cadence k JOIN customers c ON c.id = k.customer_id AND c.status = 'active'
      WHERE k.orders >= $2 AND k.usual_days IS NOT NULL
        AND extract(epoch FROM $1::timestamptz - k.last_order_at) / 86400 > greatest(k.usual_days * $3, k.usual_days + $4)`,
    [now, v.minOrders, v.factor, v.minDaysLate]);
  return byId(rows);
}

async function ordersWithErrors(db: Db, v: z.output<typeof OrderErrorsSchema>, now: Date): Promise<Map<number, string>> {
  if (!v.enabled) return new Map();
  const { rows } = await db.query(
    `SELECT DISTINCT o.id, o.order_no || '（' || c.name || '）' AS name
       FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id
      WHERE o.confirmed_at >= $1 AND o.status <> 'cancelled'
        AND (l.changed_after_confirm OR l.qty_returned > 0 OR (o.status IN ('shipped','delivered') AND l.qty_shipped <> l.qty_ordered))`,
    [daysBefore(now, v.lookbackDays)]);
  return byId(rows);
}

/** Open complaints past the SLA their severity would have (by id), and customers with repeated complaints (by −id). */
async function escalatedComplaints(db: Db, v: z.output<typeof ComplaintSchema>, now: Date): Promise<Map<number, string>> {
  if (!v.enabled) return new Map();
  const { rows: overdue } = await db.query(
    `SELECT k.id, c.name || '：' || k.title AS name FROM complaints k JOIN customers c ON c.id = k.customer_id
      WHERE k.status = 'open' AND k.received_at + make_interval(hours => ($2::jsonb ->> k.severity)::int) < $1`,
    [now, JSON.stringify(v.slaHours)]);
  const { rows: repeated } = await db.query(
    `SELECT -c.id AS id, c.name || '（' || count(*) || '次投诉）' AS name FROM complaints k JOIN customers c ON c.id = k.customer_id
      WHERE k.received_at >= $1 GROUP BY c.id HAVING count(*) >= $2`,
    [daysBefore(now, v.repeatWindowDays), v.repeatCount]);
  return byId([...overdue, ...repeated]);
}

function previewNow<V>(find: (db: Db, v: V, now: Date) => Promise<Map<number, string>>, noun: string) {
  return async (db: Db, c: { before: V; after: V; now: Date }): Promise<PreviewResult> =>
    compareSets(NOW_LABEL, await find(db, c.before, c.now), await find(db, c.after, c.now), noun);
}

export const firstOrderLateAlert = defineSetting({
  key: 'alerts.first-order-late',
  topic: 'alerts',
  label: '首单延迟发货预警',
  help: '新客户签约后多少天首单仍未发货就预警，发给谁。每小时检查一次。',
  schema: FirstOrderSchema,
  default: { enabled: true, ...defaultParams('first_order_late') } as z.output<typeof FirstOrderSchema>,
  apply: projectTo('first_order_late', (v) => `新客户签约${v.days}天首单未发货`),
  preview: previewNow(lateFirstOrders, '客户'),
});

export const reorderOverdueAlert = defineSetting({
  key: 'alerts.reorder-overdue',
  topic: 'alerts',
  label: '返单超期预警',
  help: '老客户距上次下单超过平时间隔的几倍就预警，发给谁。每小时检查一次。',
  schema: ReorderSchema,
  default: { enabled: true, ...defaultParams('reorder_overdue') } as z.output<typeof ReorderSchema>,
  apply: projectTo('reorder_overdue', (v) => `老客户超过平时间隔${v.factor}倍未返单`),
  preview: previewNow(overdueReorders, '客户'),
});

export const orderErrorsAlert = defineSetting({
  key: 'alerts.order-errors',
  topic: 'alerts',
  label: '订单错漏预警',
  help: '订单确认后改单、退货或发货数量与订单不符时预警，检查最近多少天的订单，发给谁。',
  schema: OrderErrorsSchema,
  default: { enabled: true, ...defaultParams('order_errors') } as z.output<typeof OrderErrorsSchema>,
  apply: projectTo('order_errors'),
  preview: previewNow(ordersWithErrors, '订单'),
});

export const complaintEscalationAlert = defineSetting({
  key: 'alerts.complaint-escalation',
  topic: 'alerts',
  label: '客户投诉升级',
  help: '各严重程度的投诉多少小时内应解决，超时或同一客户反复投诉就升级给谁。',
  schema: ComplaintSchema,
  default: { enabled: true, ...defaultParams('complaint_escalation') } as z.output<typeof ComplaintSchema>,
  apply: projectTo('complaint_escalation', (v) => `客户投诉超时未处理或${v.repeatWindowDays}天内投诉${v.repeatCount}次`),
  preview: previewNow(escalatedComplaints, '投诉'),
});

export const licenceExpiryAlert = defineSetting({
  key: 'alerts.licence-expiry',
  topic: 'alerts',
  label: '证照到期预警',
  help: '客户证照快到期时发给谁（提前几天在「客户资料」的证照到期提醒里设置）。',
  schema: LicenceSchema,
  default: { enabled: true, ...defaultParams('licence_expiry') } as z.output<typeof LicenceSchema>,
  apply: projectTo('licence_expiry'),
});
