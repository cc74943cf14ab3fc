/**
 * 客户投诉升级: a complaint still open past its SLA, or a customer
 * complaining again and again — both to the director through the alert
 * machinery. Overdue: one alert per complaint; repeated: one per customer and
 * the day the run of complaints began.
 */
import { shanghaiDate } from '../../flow/time.js';
import { defineAlertRule, type AlertDraft } from './alert-rule.js';
import { chineseDay, routing, storedFacts, type CustomerCandidate } from './customer-candidate.js';
import { COMPLAINT_SEVERITY_LABELS, ComplaintEscalationParamsSchema, type ComplaintSeverity } from './fulfilment-params.js';

export interface OverdueComplaint extends CustomerCandidate {
  escalation: 'overdue';
  complaintId: number;
  title: string;
  severity: ComplaintSeverity;
  receivedAt: Date;
  slaDueAt: Date;
}

export interface RepeatedComplaints extends CustomerCandidate {
  escalation: 'repeated';
  count: number;
  firstAt: Date;
}

export type ComplaintCandidate = OverdueComplaint | RepeatedComplaints;

function overdue(c: OverdueComplaint, now: Date): AlertDraft | null {
  const hoursOver = Math.floor((now.getTime() - c.slaDueAt.getTime()) / 3_600_000);
  if (hoursOver < 0) return null;
  return {
    dedupeKey: `complaint_overdue:${c.complaintId}`, subject: { type: 'complaint', id: c.complaintId }, ...routing(c),
    severity: c.severity === 'high' || c.severity === 'critical' || hoursOver >= 24 ? 'critical' : 'warning',
    title: `「${c.customerName}」的${COMPLAINT_SEVERITY_LABELS[c.severity]}投诉超时未处理：${c.title}`,
    summary: `${chineseDay(c.receivedAt)} 收到，应于 ${chineseDay(c.slaDueAt)} 前解决，已超时${hoursOver}小时；业务员：${c.ownerName ?? '未分配'}`,
    windowStart: c.receivedAt,
    data: {
      customer: { id: c.customerId, name: c.customerName }, complaintId: c.complaintId, severity: c.severity, hoursOver,
      facts: [
        { label: '投诉', value: c.title },
        { label: '严重程度', value: COMPLAINT_SEVERITY_LABELS[c.severity] },
        { label: '超时', value: `${hoursOver}小时` },
      ],
    },
  };
}

function repeated(c: RepeatedComplaints, p: { repeatCount: number; repeatWindowDays: number }): AlertDraft | null {
  if (c.count < p.repeatCount) return null;
  return {
    dedupeKey: `complaint_repeat:${c.customerId}:${shanghaiDate(c.firstAt)}`, subject: { type: 'customer', id: c.customerId }, ...routing(c),
    severity: 'critical',
    title: `「${c.customerName}」${p.repeatWindowDays}天内投诉${c.count}次`,
    summary: `自 ${chineseDay(c.firstAt)} 起；业务员：${c.ownerName ?? '未分配'}`,
    windowStart: c.firstAt,
    data: {
      customer: { id: c.customerId, name: c.customerName }, count: c.count, windowDays: p.repeatWindowDays,
      facts: [{ label: '投诉次数', value: `${p.repeatWindowDays}天内${c.count}次` }, { label: '首次', value: chineseDay(c.firstAt) }],
    },
  };
}

export const complaintEscalationRule = defineAlertRule({
  kind: 'complaint_escalation',
  label: '客户投诉升级',
  schema: ComplaintEscalationParamsSchema,
  check: ({ row, now }: { row: ComplaintCandidate; now: Date }, p) => (row.escalation === 'overdue' ? overdue(row, now) : repeated(row, p)),
  /** 投诉 / 严重程度 / 超时, or 投诉次数 / 首次. */
  cardFacts: storedFacts,
});
