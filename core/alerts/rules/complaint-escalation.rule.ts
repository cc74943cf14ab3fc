/**
 * 客户投诉升级: a complaint still open past its SLA, or a customer
 * complaining again and again — both to the director through the alert
 * machinery. Overdue: one alert per complaint; repeated: one per customer and
 * the day the run of complaints began.
 */
import { chineseDay, shanghaiDay, type AlertDraft } from './alert-draft.js';
import { COMPLAINT_SEVERITY_LABELS, type ComplaintSeverity } from './fulfilment-params.js';

export interface OverdueComplaint {
  complaintId: number;
  customerId: number;
  customerName: string;
  ownerName: string | null;
  title: string;
  severity: ComplaintSeverity;
  receivedAt: Date;
  slaDueAt: Date;
  hoursOver: number;
}

export function complaintOverdue(c: OverdueComplaint): AlertDraft {
  return {
    dedupeKey: `complaint_overdue:${c.complaintId}`, subjectType: 'complaint', subjectId: c.complaintId,
    severity: c.severity === 'high' || c.severity === 'critical' || c.hoursOver >= 24 ? 'critical' : 'warning',
    title: `「${c.customerName}」的${COMPLAINT_SEVERITY_LABELS[c.severity]}投诉超时未处理：${c.title}`,
    summary: `${chineseDay(c.receivedAt)} 收到，应于 ${chineseDay(c.slaDueAt)} 前解决，已超时${c.hoursOver}小时；业务员：${c.ownerName ?? '未分配'}`,
    windowStart: c.receivedAt,
    data: {
      customer: { id: c.customerId, name: c.customerName }, complaintId: c.complaintId, severity: c.severity, hoursOver: c.hoursOver,
      facts: [
        { label: '投诉', value: c.title },
        { label: '严重程度', value: COMPLAINT_SEVERITY_LABELS[c.severity] },
        { label: '超时', value: `${c.hoursOver}小时` },
      ],
    },
  };
}

export interface RepeatedComplaints {
  customerId: number;
  customerName: string;
  ownerName: string | null;
  count: number;
  firstAt: Date;
  windowDays: number;
}

export function complaintsRepeated(c: RepeatedComplaints): AlertDraft {
  return {
    dedupeKey: `complaint_repeat:${c.customerId}:${shanghaiDay(c.firstAt)}`, subjectType: 'customer', subjectId: c.customerId,
    severity: 'critical',
    title: `「${c.customerName}」${c.windowDays}天内投诉${c.count}次`,
    summary: `自 ${chineseDay(c.firstAt)} 起；业务员：${c.ownerName ?? '未分配'}`,
    windowStart: c.firstAt,
    data: {
      customer: { id: c.customerId, name: c.customerName }, count: c.count, windowDays: c.windowDays,
      facts: [{ label: '投诉次数', value: `${c.windowDays}天内${c.count}次` }, { label: '首次', value: chineseDay(c.firstAt) }],
    },
  };
}
