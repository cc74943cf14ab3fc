/**
 * The 智能机器人's callback after decryption (reference §9 A): a message goes into the bot's inbox
 * (bot_inbound, deduplicated by msgid — a retried callback is never handled twice) and is answered as
 * a stream: the first frame carries the answer when the bot is done within a moment, else the
 * platform's stream refreshes collect it, `finish: true` with the whole answer. In a group the bot
 * answers only when @-mentioned, and generally: the callback does not say who is in the group, so
 * nothing about customers or reps is said there — only where to ask privately.
 *
 *   const accept = createAibotAcceptor(deps, { bus, name: '动作流', privateChatUrl });
 *   const frame = await accept(toAibotCallback(plain)); // null: nothing to answer (empty 200)
 */
import type { CoreDeps } from '../deps.js';
import type { AibotCallback } from './aibot-message.js';
import { truncateBytes } from '../wecom/callback-reply.js';
import type { BotMessage, BotReply } from './bot-message.js';
import { awaitReplies, recordAnswered, recordInbound } from './inbound-repo.js';
import { createInboundNotifier, type InboundBus } from './inbound-signal.js';

export interface StreamFrame {
  msgtype: 'stream';
  stream: { id: string; finish: boolean; content: string };
}

/** How long the first frame waits for the bot: most answers fit in it, and the callback has 5 s. */
export const FIRST_FRAME_WAIT_MS = 1_500;
/** The stream content's limit (20480 bytes of markdown). */
const STREAM_MAX_BYTES = 20_480;

export type AibotAcceptor = (cb: AibotCallback) => Promise<StreamFrame | null>;

export interface AibotOptions {
  bus?: InboundBus | null;
  /** The name members @ in a group. */
  name: string;
  /** Where the private chat with the bot is (the H5 chat page). */
  privateChatUrl: string;
}

export function groupAnswer(privateChatUrl: string): string {
  return `你好，我是动作流助手。群聊里我不谈具体客户和个人的数据。查任务、记拜访、问进展，请单独和我聊：${privateChatUrl}`;
}

/**
 * A group message that @-mentions the bot, recorded already answered with the general answer (a
 * redelivery finds it); false when the bot was not mentioned — nothing is recorded or answered.
 */
export async function answerGroupMention(
  deps: Pick<CoreDeps, 'pool' | 'now'>, cb: Extract<AibotCallback, { kind: 'message' }>, opts: Pick<AibotOptions, 'name' | 'privateChatUrl'>,
): Promise<BotReply[] | null> {
  const mention = `@${opts.name}`;
  if (!cb.words?.includes(mention)) return null;
  const replies: BotReply[] = [{ kind: 'text', text: groupAnswer(opts.privateChatUrl) }];
  await recordAnswered(deps.pool, {
    dedupeKey: aibotDedupeKey(cb.msgid), transport: 'aibot', userid: cb.userid, now: deps.now(), message: withoutMention(cb.message, mention), replies,
  });
  return replies;
}

export function createAibotAcceptor(deps: Pick<CoreDeps, 'pool' | 'logger' | 'now'>, opts: AibotOptions): AibotAcceptor {
  const notifier = createInboundNotifier(deps.pool, deps.logger, opts.bus ?? null);

  const frame = async (streamId: string, waitMs: number): Promise<StreamFrame> => {
    const replies = await awaitReplies(deps.pool, aibotDedupeKey(streamId), waitMs);
    return streamFrame(streamId, replies);
  };

  return async (cb) => {
    if (cb.kind === 'event') return null;
    if (cb.kind === 'stream_refresh') return frame(cb.streamId, 0);
    if (cb.chat === 'group') return (await answerGroupMention(deps, cb, opts)) ? frame(cb.msgid, 0) : null;
    const record = { dedupeKey: aibotDedupeKey(cb.msgid), transport: 'aibot' as const, userid: cb.userid, now: deps.now() };
    if (await recordInbound(deps.pool, { ...record, message: cb.message })) {
      notifier.notify({ transport: 'aibot', dedupeKey: record.dedupeKey, userid: cb.userid, media: false });
    }
    return frame(cb.msgid, FIRST_FRAME_WAIT_MS);
  };
}

/** The stream id is the message's msgid: a refresh names the inbox row it waits for. */
export function aibotDedupeKey(msgid: string): string {
  return `aibot:${msgid}`;
}

/** The stream's frame for a message's replies: finished when they are there (null: still being handled). */
export function streamFrame(id: string, replies: BotReply[] | null): StreamFrame {
  const content = replies ? truncateBytes(replies.map((r) => r.text).join('\n\n'), STREAM_MAX_BYTES) : '';
  return { msgtype: 'stream', stream: { id, finish: replies !== null, content } };
}

function withoutMention(m: BotMessage, mention: string): BotMessage {
  return m.kind === 'text' ? { kind: 'text', text: m.text.split(mention).join('').trim() } : m;
}
