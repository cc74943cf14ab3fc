/**
 * The 智能机器人's callback after decryption (reference §9 A): a message goes into the bot's inbox
 * (bot_inbound, deduplicated by msgid — a retried callback is never handled twice) and is answered as
 * a stream: the first frame carries the answer when the bot is done within a moment, else the
 * platform's stream refreshes collect it, `finish: true` with the whole answer. In a group the bot
 * answers only when @-mentioned, and generally: the callback does not say who is in the group, so
 * nothing about customers or reps is said there — only where to ask privately. Events: entering the
 * chat is a message to the bot too (its greeting is the welcome), a rating is recorded against the
 * answer it rates. The long connection (bot/transports/aibot-socket.transport.ts) shares all of it.
 *
 *   const accept = createAibotAcceptor(deps, { bus, name: '动作流', privateChatUrl });
 *   const frame = await accept(toAibotCallback(plain)); // null: nothing to answer (empty 200)
 */
import type { CoreDeps } from '../deps.js';
import type { AibotCallback } from './aibot-message.js';
import { truncateBytes } from '../wecom/callback-reply.js';
import type { BotMessage, BotReply } from './bot-message.js';
import { needsMedia } from './bot-message.js';
import { awaitReplies, recordAnswered, recordAnswerFeedback, recordInbound, type NewInbound } from './inbound-repo.js';
import { createInboundNotifier, type InboundBus } from './inbound-signal.js';

export interface StreamFrame {
  msgtype: 'stream';
  /** feedback.id: a member's 准确/不准确 on this answer comes back with it (the message's msgid). */
  stream: { id: string; finish: boolean; content: string; feedback: { id: string } };
}

/** The answer to enter_chat: a plain text (the only kind besides a card). */
export interface WelcomeFrame {
  msgtype: 'text';
  text: { content: string };
}

/** How long the first frame waits for the bot: most answers fit in it, and the callback has 5 s. */
export const FIRST_FRAME_WAIT_MS = 1_500;
/** How long WeCom keeps asking for a stream (from the member's message); a later answer goes to response_url. */
export const STREAM_WINDOW_MS = 6 * 60_000;
/** The stream content's limit (20480 bytes of markdown). */
const STREAM_MAX_BYTES = 20_480;

export type AibotAcceptor = (cb: AibotCallback) => Promise<StreamFrame | WelcomeFrame | null>;

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

/** The stream id is the message's msgid: a refresh names the inbox row it waits for. */
export function aibotDedupeKey(msgid: string): string {
  return `aibot:${msgid}`;
}

type AibotMessageCallback = Extract<AibotCallback, { kind: 'message' }>;
type AibotEventCallback = Extract<AibotCallback, { kind: 'event' }>;

/** The inbox row of a single-chat message (or of the enter_chat the bot greets), as both modes record it. */
export function aibotInbound(cb: AibotMessageCallback | AibotEventCallback, now: Date): NewInbound {
  const message: BotMessage = cb.kind === 'message' ? cb.message : { kind: 'event', event: 'enter_agent' };
  return {
    dedupeKey: aibotDedupeKey(cb.msgid), transport: 'aibot', userid: cb.userid, now, message,
    responseUrl: cb.kind === 'message' ? cb.responseUrl : null,
  };
}

/**
 * A group message that @-mentions the bot, recorded already answered with the general answer (a
 * redelivery finds it); null when the bot was not mentioned — nothing is recorded or answered.
 */
export async function answerGroupMention(
  deps: Pick<CoreDeps, 'pool' | 'now'>, cb: AibotMessageCallback, opts: Pick<AibotOptions, 'name' | 'privateChatUrl'>,
): Promise<BotReply[] | null> {
  const mention = `@${opts.name}`;
  if (!cb.words?.includes(mention)) return null;
  const replies: BotReply[] = [{ kind: 'text', text: groupAnswer(opts.privateChatUrl) }];
  await recordAnswered(deps.pool, { ...aibotInbound(cb, deps.now()), message: withoutMention(cb.message, mention), replies });
  return replies;
}

/** A rating of one of the bot's answers: recorded against the answer whose stream carried the feedback id. */
export async function recordAibotFeedback(deps: Pick<CoreDeps, 'pool' | 'logger' | 'now'>, cb: AibotEventCallback): Promise<void> {
  if (cb.event.type !== 'feedback') return;
  const f = cb.event;
  await recordAnswerFeedback(deps.pool, {
    eventKey: aibotDedupeKey(cb.msgid), userid: cb.userid, answerKey: aibotDedupeKey(f.feedbackId), rating: f.rating,
    comment: f.comment, reasons: f.reasons, now: deps.now(),
  });
  deps.logger.info({ userid: cb.userid, answer: f.feedbackId, rating: f.rating, reasons: f.reasons }, '智能机器人回答收到反馈');
}

export function createAibotAcceptor(deps: Pick<CoreDeps, 'pool' | 'logger' | 'now'>, opts: AibotOptions): AibotAcceptor {
  const notifier = createInboundNotifier(deps.pool, deps.logger, opts.bus ?? null);

  const frame = async (streamId: string, waitMs: number): Promise<StreamFrame> => {
    const replies = await awaitReplies(deps.pool, aibotDedupeKey(streamId), waitMs);
    return streamFrame(streamId, replies);
  };
  /** Recorded and signalled to the bot part; the replies when it is done within `waitMs`. */
  const handOver = async (cb: AibotMessageCallback | AibotEventCallback, waitMs: number): Promise<BotReply[] | null> => {
    const row = aibotInbound(cb, deps.now());
    if (await recordInbound(deps.pool, row)) {
      notifier.notify({ transport: 'aibot', dedupeKey: row.dedupeKey, userid: cb.userid, media: needsMedia(row.message) });
    }
    return awaitReplies(deps.pool, row.dedupeKey, waitMs);
  };

  return async (cb) => {
    if (cb.kind === 'stream_refresh') return frame(cb.streamId, 0);
    if (cb.kind === 'event') {
      if (cb.event.type === 'feedback') await recordAibotFeedback(deps, cb);
      if (cb.event.type !== 'enter_chat') return null;
      return welcomeFrame(await handOver(cb, FIRST_FRAME_WAIT_MS));
    }
    if (cb.chat === 'group') return (await answerGroupMention(deps, cb, opts)) ? frame(cb.msgid, 0) : null;
    return streamFrame(cb.msgid, await handOver(cb, FIRST_FRAME_WAIT_MS));
  };
}

/** The stream's frame for a message's replies: finished when they are there (null: still being handled). */
export function streamFrame(id: string, replies: BotReply[] | null): StreamFrame {
  return { msgtype: 'stream', stream: { id, finish: replies !== null, content: replies ? joinReplies(replies) : '', feedback: { id } } };
}

/** The greeting as enter_chat's answer; null when there is none (greeted already today, or not ready in time). */
export function welcomeFrame(replies: BotReply[] | null): WelcomeFrame | null {
  return replies && replies.length > 0 ? { msgtype: 'text', text: { content: joinReplies(replies) } } : null;
}

/** The replies as one markdown answer, within the stream's limit. */
export function joinReplies(replies: BotReply[]): string {
  return truncateBytes(replies.map((r) => r.text).join('\n\n'), STREAM_MAX_BYTES);
}

function withoutMention(m: BotMessage, mention: string): BotMessage {
  return m.kind === 'text' ? { kind: 'text', text: m.text.split(mention).join('').trim() } : m;
}
