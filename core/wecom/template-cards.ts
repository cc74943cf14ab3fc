import { WecomRequestInvalidError } from './wecom-errors.js';
import {
  BUTTON_TEXT_MAX_CHARS,
  describeZodIssues,
  SUB_TITLE_MAX_CHARS,
  TITLE_MAX_CHARS,
  templateCardSchema,
  type TemplateCard,
} from './template-card.schema.js';

/**
 * Our warning cards (动作流预警). Builders truncate free text to the card's
 * limits and then validate with the schema, so a card that leaves here is one
 * WeCom accepts.
 *
 *   const card = buildWarningButtonCard({ alertId: 'a123', title: '客户A 报价后7天未跟进', detailUrl, facts });
 *   await wecom.sendMessage({ touser: ['mgr_li'], msgtype: 'template_card', template_card: card });
 */

export type WarningButtonAction = 'claim' | 'resolve';

/** Button copy and what the button turns into once clicked (update_button / replace_name). */
export const WARNING_BUTTONS: Record<WarningButtonAction, { text: string; replaceName: string; style: number }> = {
  claim: { text: '认领', replaceName: '已认领', style: 1 },
  resolve: { text: '已处理', replaceName: '已标记处理', style: 2 },
};

export interface WarningFact {
  label: string;
  value: string;
  /** Renders as a tappable member profile (horizontal_content_list type 3). */
  userid?: string;
}

export interface WarningCardInput {
  /** Our alert id: becomes part of task_id and the button keys. */
  alertId: string;
  /** Re-notification round; task_id must be unique per app forever, so each resend bumps it. */
  round?: number;
  /** main_title.title, cut to 36 chars. */
  title: string;
  /** sub_title_text, cut to 160 chars. */
  summary?: string;
  facts?: WarningFact[];
  /** H5 page opened by tapping the card. */
  detailUrl: string;
  /** 'critical' shows the source line in red. */
  severity?: 'warning' | 'critical';
}

const SOURCE_DESC = '动作流预警';
const MAX_FACTS = 6;

/** Interactive card with 认领 / 已处理 buttons; clicks arrive as template_card_event. */
export function buildWarningButtonCard(input: WarningCardInput): TemplateCard {
  return validated({
    card_type: 'button_interaction',
    ...commonParts(input),
    task_id: warningTaskId(input.alertId, input.round ?? 1),
    button_list: (['claim', 'resolve'] as const).map((action) => ({
      type: 0 as const,
      text: WARNING_BUTTONS[action].text.slice(0, BUTTON_TEXT_MAX_CHARS),
      style: WARNING_BUTTONS[action].style,
      key: warningButtonKey(action, input.alertId),
    })),
  });
}

/** Read-only notice (for reps, or digests) with a 查看详情 link. */
export function buildWarningNoticeCard(input: WarningCardInput & { emphasis?: { value: string; caption: string } }): TemplateCard {
  return validated({
    card_type: 'text_notice',
    ...commonParts(input),
    ...(input.emphasis ? { emphasis_content: { title: input.emphasis.value, desc: input.emphasis.caption } } : {}),
    jump_list: [{ type: 1, title: '查看详情', url: input.detailUrl }],
  });
}

/** `alert_<id>_r<round>`, restricted to task_id's charset and 128 bytes. */
export function warningTaskId(alertId: string, round: number): string {
  const suffix = `_r${Math.max(1, Math.floor(round))}`;
  const safeId = alertId.replace(/[^0-9A-Za-z_\-@]/g, '_');
  return `alert_${safeId}`.slice(0, 128 - suffix.length) + suffix;
}

export function warningButtonKey(action: WarningButtonAction, alertId: string): string {
  return `${action}:${alertId}`;
}

/** Inverse of warningButtonKey for the template_card_event handler; null for keys we did not mint. */
export function parseWarningButtonKey(key: string): { action: WarningButtonAction; alertId: string } | null {
  const match = /^(claim|resolve):(.+)$/.exec(key);
  return match ? { action: match[1] as WarningButtonAction, alertId: match[2] } : null;
}

function commonParts(input: WarningCardInput) {
  const facts = (input.facts ?? []).slice(0, MAX_FACTS);
  return {
    source: { desc: SOURCE_DESC, desc_color: input.severity === 'critical' ? 2 : 0 } as const,
    main_title: { title: truncate(input.title, TITLE_MAX_CHARS) },
    ...(input.summary ? { sub_title_text: truncate(input.summary, SUB_TITLE_MAX_CHARS) } : {}),
    ...(facts.length ? { horizontal_content_list: facts.map(toHorizontalItem) } : {}),
    card_action: { type: 1 as const, url: input.detailUrl },
  };
}

function toHorizontalItem(fact: WarningFact) {
  return fact.userid
    ? { keyname: fact.label, value: fact.value, type: 3 as const, userid: fact.userid }
    : { keyname: fact.label, value: fact.value };
}

// Counts UTF-16 units like the schema does, but never splits a surrogate pair.
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > maxChars - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export function validated(card: TemplateCard): TemplateCard {
  const parsed = templateCardSchema.safeParse(card);
  if (!parsed.success) throw new WecomRequestInvalidError('warning card', describeZodIssues(parsed.error));
  return card;
}
