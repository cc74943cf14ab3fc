/**
 * Decrypted WeCom callbacks (core/wecom InboundMessage) as engine messages.
 * Template-card clicks are not conversation: the callback hands them to the
 * alerts engine instead (isCardEvent).
 */
import type { InboundMessage } from '../../core/wecom/inbound-message.js';
import type { BotMessage } from './types.js';

export function isCardEvent(m: InboundMessage): m is Extract<InboundMessage, { kind: 'template_card_event' | 'template_card_menu_event' }> {
  return m.kind === 'template_card_event' || m.kind === 'template_card_menu_event';
}

/** The engine's view of a callback; null for what needs no handling at all (periodic location reports). */
export function toBotMessage(m: InboundMessage): BotMessage | null {
  switch (m.kind) {
    case 'text': return { kind: 'text', text: m.content };
    case 'image': return { kind: 'image', mediaId: m.mediaId };
    case 'voice': {
      // WeCom adds Recognition when 语音识别 is enabled for the app
      const recognition = typeof m.raw.Recognition === 'string' ? m.raw.Recognition.trim() : '';
      return { kind: 'voice', mediaId: m.mediaId, ...(recognition ? { recognition } : {}) };
    }
    // the 位置 message comes from Tencent Maps: GCJ-02
    case 'location': return { kind: 'location', lat: m.latitude, lng: m.longitude, coordSystem: 'gcj02', ...(m.label ? { label: m.label } : {}) };
    case 'enter_agent': return { kind: 'event', event: 'enter_agent' };
    case 'click': return { kind: 'event', event: 'click', eventKey: m.eventKey };
    case 'location_report': return null;
    case 'view': return null;
    case 'template_card_event':
    case 'template_card_menu_event': return null;
    case 'unsupported': return m.msgType === 'event' ? null : { kind: 'unsupported', what: m.msgType };
  }
}
