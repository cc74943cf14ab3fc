/**
 * What a member sent the bot, whatever the transport, and what it answers:
 * the shape stored in bot_inbound.message / .replies. Shared by the API
 * (which records WeCom callbacks and console messages) and the bot (which
 * handles them), so it lives here rather than in either.
 *
 *   const m = toBotMessage(decryptedCallback); // null: nothing to handle
 */
import type { CoordSystem } from '../flow/types.js';
import type { InboundMessage } from '../wecom/inbound-message.js';

export type BotMessage =
  | { kind: 'text'; text: string }
  /** A photo: a WeCom media_id to download, or an attachment the member already uploaded (H5). */
  | { kind: 'image'; mediaId?: string; attachmentId?: number }
  /** A voice message; `recognition` is WeCom's speech-to-text when the app has it enabled. */
  | { kind: 'voice'; mediaId?: string; attachmentId?: number; recognition?: string }
  | { kind: 'location'; lat: number; lng: number; coordSystem: CoordSystem; label?: string }
  | { kind: 'event'; event: 'enter_agent' | 'click' | 'location_report'; eventKey?: string }
  | { kind: 'unsupported'; what: string };

export type BotMessageKind = BotMessage['kind'];

export interface BotReply {
  kind: 'text';
  text: string;
}

/** A WeCom file the bot downloads (media/get) before handling: only then is the message read ahead of its transaction. */
export function needsMedia(m: BotMessage): boolean {
  return (m.kind === 'image' || m.kind === 'voice') && !!m.mediaId && !m.attachmentId;
}

/** The passive reply to a sender who is not an active member (answered within the callback itself). */
export const UNKNOWN_MEMBER_REPLY = '抱歉，你还没有开通动作流（ActionFlow）账号，暂时不能使用。请联系管理员开通。';

export function isCardEvent(m: InboundMessage): m is Extract<InboundMessage, { kind: 'template_card_event' | 'template_card_menu_event' }> {
  return m.kind === 'template_card_event' || m.kind === 'template_card_menu_event';
}

/**
 * The engine's view of a decrypted callback; null for what needs no handling
 * at all (periodic location reports, page views). Template-card clicks are not
 * conversation: they go to the alerts engine (isCardEvent).
 */
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
