/**
 * The WeCom cards of the alert center: one interactive warning card per
 * (alert, recipient) with 认领 / 已处理 buttons and a signed link to the
 * handling page, and the text a card shows once the alert is handled (the
 * digest card a member gets past their limit is the outbox's: core/outbox/digest-card.ts).
 *
 *   const { url, token } = alertLink(publicUrl, secret, alertId);
 *   const card = buildAlertCard({ id, title, summary, severity, facts }, url, userId);
 */
import { signLink } from '../auth/session.js';
import { chineseDay, shanghaiDate } from '../flow/time.js';
import {
  buildWarningButtonCard, warningTaskId, type WarningFact,
} from '../wecom/template-cards.js';
import type { TemplateCard } from '../wecom/wecom-client.js';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export const ALERT_STATUS_LABELS: Record<AlertStatus, string> = {
  open: '待处理',
  acknowledged: '已认领',
  resolved: '已处理',
};

/** The payload signed into an alert's card link. */
export const linkPayload = (alertId: number): string => `alert:${alertId}`;

/** `${PUBLIC_URL}/alerts/{id}?sig=…`: the H5 page calls GET /api/alerts/{id}/by-link?sig=… with it. */
export function alertLink(publicUrl: string, secret: string, alertId: number): { url: string; token: string } {
  const token = signLink(secret, linkPayload(alertId));
  return { url: `${publicUrl}/alerts/${alertId}?sig=${token}`, token };
}

export interface AlertCardContent {
  id: number;
  ruleCode: string;
  title: string;
  summary: string;
  severity: 'warning' | 'critical';
  facts: WarningFact[];
}

/**
 * task_id must be unique per app forever, and each recipient gets their own
 * message (per-member throttling, per-member response codes), so the task id
 * names the recipient too: alert_{id}_u{userId}_r1.
 */
export function alertTaskId(alertId: number, userId: number): string {
  return warningTaskId(`${alertId}_u${userId}`, 1);
}

export function buildAlertCard(alert: AlertCardContent, url: string, recipientUserId: number): TemplateCard {
  const card = buildWarningButtonCard({
    alertId: String(alert.id),
    title: alert.title,
    summary: alert.summary,
    facts: alert.facts,
    detailUrl: url,
    severity: alert.severity,
  });
  return { ...card, task_id: alertTaskId(alert.id, recipientUserId) } as TemplateCard;
}

/**
 * What the card's buttons turn into for everyone who got it (update_template_card
 * replace_name). Button text is ≈10 characters, so names are kept short.
 */
export function cardReplaceName(status: AlertStatus, byName: string | null): string {
  const who = byName ? byName.slice(0, 5) : '';
  if (status === 'acknowledged') return `${who}已认领`;
  if (status === 'resolved') return who ? `${who}已处理` : '已自动解除';
  return '待处理';
}

/** '11月23日' in Shanghai for card facts. */
export function cardDate(iso: string | null | undefined): string {
  return iso ? chineseDay(shanghaiDate(new Date(iso))) : '';
}
