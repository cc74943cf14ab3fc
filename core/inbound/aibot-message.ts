/**
 * What the 智能机器人's JSON callback carries once decrypted (reference §9 A), validated with zod
 * and mapped to the bot's own message shape. Text and mixed messages are read as text (a mixed
 * message's pictures are not fetched), a voice message is the platform's transcript, a `stream`
 * callback asks for the rest of a streamed answer.
 *
 *   const cb = toAibotCallback(decryptJsonCallback(query, body, cfg));
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { BotMessage } from './bot-message.js';

const From = z.object({ userid: z.string().min(1).max(64) });
const Base = z.object({
  msgid: z.string().min(1).max(128),
  aibotid: z.string().max(128).optional(),
  chatid: z.string().max(128).optional(),
  chattype: z.enum(['single', 'group']),
  from: From,
  response_url: z.string().max(2048).optional(),
});
const Content = z.object({ content: z.string().max(20_480) });
const MixedItem = z.object({ msgtype: z.string(), text: Content.optional() });

const AibotPayload = z.discriminatedUnion('msgtype', [
  Base.extend({ msgtype: z.literal('text'), text: Content }),
  Base.extend({ msgtype: z.literal('voice'), voice: Content }),
  Base.extend({ msgtype: z.literal('mixed'), mixed: z.object({ msg_item: z.array(MixedItem).max(100) }) }),
  Base.extend({ msgtype: z.enum(['image', 'file', 'video']) }),
  Base.partial({ msgid: true, chattype: true }).extend({ msgtype: z.literal('stream'), stream: z.object({ id: z.string().min(1).max(128) }) }),
  Base.partial({ msgid: true, chattype: true }).extend({ msgtype: z.literal('event'), event: z.object({ eventtype: z.string().max(64) }) }),
]);

export type AibotCallback =
  | {
    kind: 'message'; msgid: string; userid: string; chat: 'single' | 'group';
    /** What was written or said, for the group's mention check; null for pictures and files. */
    words: string | null;
    message: BotMessage;
  }
  | { kind: 'stream_refresh'; streamId: string; userid: string }
  | { kind: 'event'; eventType: string; userid: string };

export function toAibotCallback(plain: unknown): AibotCallback {
  const parsed = AibotPayload.safeParse(plain);
  if (!parsed.success) {
    throw new AppError('CALLBACK_PAYLOAD_INVALID', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  }
  const p = parsed.data;
  const userid = p.from.userid;
  if (p.msgtype === 'stream') return { kind: 'stream_refresh', streamId: p.stream.id, userid };
  if (p.msgtype === 'event') return { kind: 'event', eventType: p.event.eventtype, userid };
  const message = (words: string | null, m: BotMessage) => ({ kind: 'message' as const, msgid: p.msgid, userid, chat: p.chattype, words, message: m });
  switch (p.msgtype) {
    case 'text': return message(p.text.content, { kind: 'text', text: p.text.content });
    // already transcribed by the platform: understood as the app's voice-with-Recognition is
    case 'voice': return message(p.voice.content, { kind: 'voice', recognition: p.voice.content.trim() });
    case 'mixed': {
      const text = p.mixed.msg_item.flatMap((i) => (i.msgtype === 'text' && i.text ? [i.text.content] : [])).join('\n');
      return message(text || null, text ? { kind: 'text', text } : { kind: 'unsupported', what: 'mixed' });
    }
    default: return message(null, { kind: 'unsupported', what: p.msgtype });
  }
}
