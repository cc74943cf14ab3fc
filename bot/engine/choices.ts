/**
 * The answers a pending question can take, as buttons: what each says and the words that, typed,
 * give that answer — so a tap and a typed reply are one path through the engine. Null for a question
 * whose answer is free text (a reason, a time).
 *
 *   replies.at(-1).choices = choicesFor(convo.pendingQuestion);   // [{label:'是',answer:'是'}, …]
 */
import type { BotChoice } from '../../core/inbound/bot-message.js';
import { offeredDays, type ConversationState, type PendingQuestion } from './state.js';
import { ROUGH_PERIODS } from '../../core/understanding/past-dates.js';

/** WeCom's button_interaction card takes at most six buttons. */
const MAX_CHOICES = 6;

const YES_NO: BotChoice[] = [{ label: '是', answer: '是' }, { label: '不是', answer: '不是' }];
const contactChoice = (c: { name: string; title: string | null }): BotChoice => ({ label: c.title ? `${c.name}（${c.title}）` : c.name, answer: c.name });

export function choicesFor(p: PendingQuestion | null, st?: ConversationState): BotChoice[] | null {
  // 下次接触时间定在哪天？1.明天 2.后天 (a loose 这两天): the days offered, each tapped as if said
  const days = offeredDays(st);
  if (!p) return days.length ? days.map((d) => ({ label: d, answer: d })) : null;
  const list = ((): BotChoice[] | null => {
    switch (p.kind) {
      case 'which_action': return p.options.map((o, i) => ({ label: o.customerName, answer: String(i + 1) }));
      case 'which_deal': return p.options.map((o, i) => ({ label: o.name, answer: String(i + 1) }));
      case 'which_contact':
      case 'which_change_contact':
        return p.candidates.length === 1 ? YES_NO : p.candidates.map(contactChoice);
      case 'who_has_role':
        return p.awaitingName ? null : [
          ...p.candidates.map(contactChoice),
          { label: '新建联系人', answer: '新建联系人' }, { label: '不知道', answer: '不知道' },
        ];
      case 'change_when': return [...ROUGH_PERIODS, '不知道'].map((label) => ({ label, answer: label }));
      case 'photo_tag': return p.tags.map((tag) => ({ label: tag, answer: tag }));
      case 'create_contact':
      case 'unfiled_photos':
      case 'confirm_submit':
      case 'start_visit':
      case 'daily_confirm':
        return YES_NO;
      case 'deal_skip_reason': return null;
      case 'share_document': return p.step === 'confirm' ? YES_NO : p.options.map((o, i) => ({ label: o.label, answer: String(i + 1) }));
      case 'which_reading':
        return p.readings.length === 1 ? YES_NO : [...p.readings.map((r, i) => ({ label: r.describe, answer: String(i + 1) })), { label: '都不是', answer: '都不是' }];
      case 'which_topic':
        return p.topics.length === 1 ? YES_NO : [...p.topics.map((x, i) => ({ label: x, answer: String(i + 1) })), { label: '都不是', answer: '都不是' }];
    }
  })();
  return list && list.length > 0 && list.length <= MAX_CHOICES ? list : null;
}
