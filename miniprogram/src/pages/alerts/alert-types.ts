/**
 * The alert center as the H5 reads it: shapes type-imported from the
 * server's own schemas (core/alerts/alert-schemas.ts), plus the facts a
 * rule's `data` carries, as label/value lines.
 */
import type { AlertDetail, AlertSummary } from '@core/alerts/alert-schemas';
import { fmtDay } from '../../components/use-load';

export type { AlertDetail, AlertSummary };
export type AlertStatus = AlertSummary['status'];
export const ALERT_STATUS_TONE: Record<AlertStatus, string> = { open: 'red', acknowledged: 'orange', resolved: 'green' };

/** Handled by someone other than `meId`? Their name, for the banner. */
export function handledByOther(a: AlertSummary, meId: number): string | null {
  const by = a.status === 'resolved' ? a.resolvedBy : a.status === 'acknowledged' ? a.acknowledgedBy : null;
  if (a.status === 'resolved' && !by) return '系统（已自动解除）';
  return by && by.id !== meId ? by.name : null;
}

/** The customer an alert concerns, if any (subject or data). */
export function customerOf(a: AlertDetail): { id: number; name: string } | null {
  const c = (a.data as any).customer;
  if (c?.id) return { id: Number(c.id), name: String(c.name ?? '') };
  return null;
}

const day = (iso: unknown) => (typeof iso === 'string' ? fmtDay(iso) : '');

/** What happened and why, from the rule's data: customer, rep, since when, counts, opportunities. */
export function factsOf(a: AlertDetail): Array<{ label: string; value: string }> {
  const d = a.data as Record<string, any>;
  const out: Array<{ label: string; value: string }> = [];
  const push = (label: string, value: unknown) => { if (value !== undefined && value !== null && value !== '') out.push({ label, value: String(value) }); };
  push('客户', d.customer?.name);
  push('业务员', d.owner?.name ?? d.rep?.name ?? d.assignee?.name ?? a.owner?.name);
  push('主管', d.manager?.name);
  if (d.silentDays !== undefined) push('沉默天数', `${d.silentDays}天（阈值${d.thresholdDays ?? '—'}天）`);
  if (d.neverFollowedUp) push('上次有效跟进', '从未');
  else push('上次有效跟进', day(d.since));
  if (d.skips !== undefined || d.count !== undefined) push('跳过次数', `${d.skips ?? d.count}次${d.minSkips ? `（阈值${d.minSkips}次）` : ''}`);
  push('事项', d.action?.title);
  push('截止', day(d.dueAt ?? d.action?.dueAt));
  const opps: Array<{ name: string; amount?: number; stage?: string }> = Array.isArray(d.opportunities) ? d.opportunities : [];
  if (opps.length) push('商机', opps.map((o) => `${o.name}${o.amount ? `（¥${Number(o.amount).toLocaleString()}）` : ''}`).join('；'));
  return out;
}
