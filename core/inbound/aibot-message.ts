/**
 * What the 智能机器人 sends once decrypted (reference §9; the same JSON arrives in a long
 * connection's frame body), validated with zod and mapped to the bot's own message shape. Text is
 * read as text, a voice message is the platform's transcript, a picture is kept to be downloaded
 * (its url lives 5 minutes), a 图文混排 carries both; a `stream` callback asks for the rest of a
 * streamed answer; events are the member opening the chat (enter_chat), a button on one of the
 * bot's cards (template_card_event) and a rating of an answer (feedback_event).
 *
 *   const cb = toAibotCallback(decryptJsonCallback(query, body, cfg));
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { AibotPicture, BotMessage } from './bot-message.js';

const From = z.object({ userid: z.string().min(1).max(64) });
const Base = z.object({
  msgid: z.string().min(1).max(128),
  aibotid: z.string().max(128).optional(),
  chatid: z.string().max(128).optional(),
  chattype: z.enum(['single', 'group']),
  from: From,
  response_url: z.url().max(2048).optional(),
});
const Content = z.object({ content: z.string().max(20_480) });
// the long connection names each picture's key; the URL callback encrypts with the bot's EncodingAESKey
const Picture = z.object({ url: z.url().max(4096), aeskey: z.string().min(1).max(128).optional() });
const MixedItem = z.object({ msgtype: z.string(), text: Content.optional(), image: Picture.optional() });

const CardEvent = z.object({
  card_type: z.string().max(64).optional(),
  event_key: z.string().max(1024),
  task_id: z.string().max(128).optional(),
});
const FeedbackEvent = z.object({
  id: z.string().min(1).max(256),
  type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  content: z.string().max(2000).optional(),
  inaccurate_reason_list: z.array(z.number().int()).max(10).optional(),
});
const Event = z.object({
  eventtype: z.string().max(64),
  template_card_event: CardEvent.optional(),
  feedback_event: FeedbackEvent.optional(),
});

const AibotPayload = z.discriminatedUnion('msgtype', [
  Base.extend({ msgtype: z.literal('text'), text: Content }),
  Base.extend({ msgtype: z.literal('voice'), voice: Content }),
  Base.extend({ msgtype: z.literal('image'), image: Picture }),
  Base.extend({ msgtype: z.literal('mixed'), mixed: z.object({ msg_item: z.array(MixedItem).max(100) }) }),
  Base.extend({ msgtype: z.enum(['file', 'video']) }),
  Base.partial({ msgid: true, chattype: true }).extend({ msgtype: z.literal('stream'), stream: z.object({ id: z.string().min(1).max(128) }) }),
  Base.partial({ chattype: true }).extend({ msgtype: z.literal('event'), event: Event }),
]);

/** 1 准确, 2 不准确, 3 取消 (the member took their rating back). */
export const FEEDBACK_RATINGS = { 1: 'good', 2: 'bad', 3: 'withdrawn' } as const;
export type FeedbackRating = (typeof FEEDBACK_RATINGS)[keyof typeof FEEDBACK_RATINGS];

/** WeCom's reasons for 不准确. */
const INACCURATE_REASONS: Record<number, string> = { 1: '与问题无关', 2: '内容不完整', 3: '内容有错误', 4: '数据分析错误' };

export type AibotEvent =
  | { type: 'enter_chat' }
  | { type: 'card_button'; key: string; taskId: string | null; responseUrl: string | null }
  | { type: 'feedback'; feedbackId: string; rating: FeedbackRating; comment: string | null; reasons: string[] }
  | { type: 'other'; name: string };

export type AibotCallback =
  | {
    kind: 'message'; msgid: string; userid: string; chat: 'single' | 'group';
    /** What was written or said, for the group's mention check; null for pictures and files. */
    words: string | null;
    message: BotMessage;
    /** Where an answer can still be posted once (1 hour) after the stream has closed. */
    responseUrl: string | null;
  }
  | { kind: 'stream_refresh'; streamId: string; userid: string }
  | { kind: 'event'; msgid: string; userid: string; chat: 'single' | 'group'; event: AibotEvent };

const picture = (p: z.infer<typeof Picture>): AibotPicture => ({ url: p.url, ...(p.aeskey ? { aesKey: p.aeskey } : {}) });

function toEvent(e: z.infer<typeof Event>, responseUrl: string | undefined): AibotEvent {
  if (e.eventtype === 'enter_chat') return { type: 'enter_chat' };
  if (e.eventtype === 'template_card_event' && e.template_card_event) {
    const c = e.template_card_event;
    return { type: 'card_button', key: c.event_key, taskId: c.task_id ?? null, responseUrl: responseUrl ?? null };
  }
  if (e.eventtype === 'feedback_event' && e.feedback_event) {
    const f = e.feedback_event;
    return {
      type: 'feedback', feedbackId: f.id, rating: FEEDBACK_RATINGS[f.type], comment: f.content?.trim() || null,
      reasons: (f.inaccurate_reason_list ?? []).map((r) => INACCURATE_REASONS[r] ?? `原因${r}`),
    };
  }
  return { type: 'other', name: e.eventtype };
}

export function toAibotCallback(plain: unknown): AibotCallback {
  const parsed = AibotPayload.safeParse(plain);
  if (!parsed.success) {
    throw new AppError('CALLBACK_PAYLOAD_INVALID', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  }
  const p = parsed.data;
  const userid = p.from.userid;
  if (p.msgtype === 'stream') return { kind: 'stream_refresh', streamId: p.stream.id, userid };
  if (p.msgtype === 'event') return { kind: 'event', msgid: p.msgid, userid, chat: p.chattype ?? 'single', event: toEvent(p.event, p.response_url) };
  const message = (words: string | null, m: BotMessage) => ({
    kind: 'message' as const, msgid: p.msgid, userid, chat: p.chattype, words, message: m, responseUrl: p.response_url ?? null,
  });
  switch (p.msgtype) {
    case 'text': return message(p.text.content, { kind: 'text', text: p.text.content });
    // already transcribed by the platform: understood as the app's voice-with-Recognition is
    case 'voice': return message(p.voice.content, { kind: 'voice', recognition: p.voice.content.trim() });
    case 'image': return message(null, { kind: 'image', ...picture(p.image) });
    case 'mixed': {
      const text = p.mixed.msg_item.flatMap((i) => (i.msgtype === 'text' && i.text ? [i.text.content] : [])).join('\n');
      const images = p.mixed.msg_item.flatMap((i) => (i.msgtype === 'image' && i.image ? [picture(i.image)] : []));
      if (images.length > 0) return message(text || null, { kind: 'mixed', text, images });
      return message(text || null, text ? { kind: 'text', text } : { kind: 'unsupported', what: 'mixed' });
    }
    default: return message(null, { kind: 'unsupported', what: p.msgtype });
  }
}
