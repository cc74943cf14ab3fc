/**
 * The card that stands for many alert messages to one member when their
 * WeCom limit is reached (core/outbox/plan.ts decides when): how many, of
 * which kinds, the first few titles, and a link to the open alerts.
 *
 *   const card = buildDigestCard([{ alertId: 12, label: '客户沉默', title: '华联超市 7天未跟进' }, …], publicUrl);
 */
import { buildWarningNoticeCard, type WarningFact } from '../wecom/template-cards.js';
import type { TemplateCard } from '../wecom/wecom-client.js';

export interface DigestItem {
  alertId: number;
  /** The alert rule's name, as the alert's card was enqueued with it (OutboxMessage.alert.label). */
  label: string;
  title: string;
}

/** One notice card standing for many alerts: how many, of which kinds, the first few titles. */
export function buildDigestCard(items: readonly DigestItem[], publicUrl: string): TemplateCard {
  const byLabel = new Map<string, number>();
  for (const i of items) byLabel.set(i.label, (byLabel.get(i.label) ?? 0) + 1);
  const facts: WarningFact[] = [...byLabel.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([label, n]) => ({ label, value: `${n}条` }));
  const first = items.slice(0, 3).map((i) => i.title).join('；');
  return buildWarningNoticeCard({
    alertId: `digest_${items[0]?.alertId ?? 0}`,
    title: `你有${items.length}条新预警待处理`,
    summary: `消息较多，已合并为一条：${first}${items.length > 3 ? '……' : ''}`,
    facts,
    detailUrl: `${publicUrl}/alerts?status=open`,
    severity: 'warning',
    emphasis: { value: String(items.length), caption: '条新预警' },
  });
}
