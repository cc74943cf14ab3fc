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
  /**
   * A photo: a WeCom media_id to download, an attachment the member already uploaded (H5), or the
   * 智能机器人's encrypted picture (`url`, valid 5 minutes; `aesKey` in long-connection mode, else the bot's EncodingAESKey).
   */
  | { kind: 'image'; mediaId?: string; attachmentId?: number; url?: string; aesKey?: string }
  /** The 智能机器人's 图文混排: its pictures (as an image's url/aesKey) and its words. */
  | { kind: 'mixed'; text: string; images: AibotPicture[] }
  /** A voice message; `recognition` is WeCom's speech-to-text when the app has it enabled. */
  | { kind: 'voice'; mediaId?: string; attachmentId?: number; recognition?: string }
  | { kind: 'location'; lat: number; lng: number; coordSystem: CoordSystem; label?: string }
  | { kind: 'event'; event: 'enter_agent' | 'click' | 'location_report'; eventKey?: string }
  | { kind: 'unsupported'; what: string };

export interface AibotPicture {
  url: string;
  aesKey?: string;
}

export type BotMessageKind = BotMessage['kind'];

export interface BotReply {
  kind: 'text';
  text: string;
  /** The answers the question this reply ends with can take (a transport with buttons shows them; the words still work). */
  choices?: BotChoice[];
}

export interface BotChoice {
  /** What the button says. */
  label: string;
  /** The words that, typed, give this answer. */
  answer: string;
}

/** A file the bot downloads (WeCom media/get, the 智能机器人's picture url) before handling: only then is the message read ahead of its transaction. */
export function needsMedia(m: BotMessage): boolean {
  if (m.kind === 'mixed') return m.images.length > 0;
  if (m.kind === 'image') return (!!m.mediaId || !!m.url) && !m.attachmentId;
  return m.kind === 'voice' && !!m.mediaId && !m.attachmentId;
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
