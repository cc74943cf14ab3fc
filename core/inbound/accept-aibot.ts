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
import { createHash } from 'node:crypto';
import type { CoreDeps } from '../deps.js';
import type { AibotCallback } from './aibot-message.js';
import { truncateBytes } from '../wecom/callback-reply.js';
import type { BotMessage, BotReply } from './bot-message.js';
import { needsMedia } from './bot-message.js';
import { awaitReplies, recordAnswered, recordAnswerFeedback, recordInbound, type NewInbound } from './inbound-repo.js';
import { createInboundNotifier, type InboundBus } from './inbound-signal.js';

export interface StreamFrame {
  /** With a card when the answer ends in a question with set answers: a button for each. */
  msgtype: 'stream' | 'stream_with_template_card';
  /** feedback.id: a member's 准确/不准确 on this answer comes back with it (the message's msgid). */
  stream: { id: string; finish: boolean; content: string; feedback: { id: string } };
  template_card?: ChoiceCard;
}

/** A button_interaction card (reference §9): each button's key is `answer:<the words it stands for>`. */
export interface ChoiceCard {
  card_type: 'button_interaction';
  main_title: { title: string; desc: string };
  button_list: Array<{ text: string; style: number; key: string }>;
  task_id: string;
}

/** The card after a tap, in place of the buttons (a text_notice needs a card_action: the private chat). */
export interface AnsweredCardFrame {
  response_type: 'update_template_card';
  template_card: { card_type: 'text_notice'; main_title: { title: string; desc: string }; card_action: { type: 1; url: string } };
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

export type AibotAcceptor = (cb: AibotCallback) => Promise<StreamFrame | WelcomeFrame | AnsweredCardFrame | null>;

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

/** A button tap is answered without a stream: its answer goes to the event's response_url (or a push). */
const CARD_KEY_PREFIX = 'aibot:card:';
const ANSWER_KEY_PREFIX = 'answer:';

/** False for a button tap's row: no stream will carry its answer. */
export function hasStream(dedupeKey: string): boolean {
  return !dedupeKey.startsWith(CARD_KEY_PREFIX);
}

type AibotMessageCallback = Extract<AibotCallback, { kind: 'message' }>;
type AibotEventCallback = Extract<AibotCallback, { kind: 'event' }>;

/**
 * The inbox row of a single-chat message, of the enter_chat the bot greets, or of a tap on one of
 * its buttons (the words the button stands for, as if typed), as both modes record it; null for an
 * event that is no message (a rating, a card the bot did not make) and for any event from a group.
 */
export function aibotInbound(cb: AibotMessageCallback | AibotEventCallback, now: Date): NewInbound | null {
  // the bot's answers to an event (a welcome with the rep's open work, a tap's answer) are for one member:
  // from a group they would be read by all, and group members are not listed to check
  if (cb.kind === 'event' && cb.chat === 'group') return null;
  const row = { transport: 'aibot' as const, userid: cb.userid, now };
  if (cb.kind === 'message') return { ...row, dedupeKey: aibotDedupeKey(cb.msgid), message: cb.message, responseUrl: cb.responseUrl };
  if (cb.event.type === 'enter_chat') return { ...row, dedupeKey: aibotDedupeKey(cb.msgid), message: { kind: 'event', event: 'enter_agent' } };
  if (cb.event.type === 'card_button' && cb.event.key.startsWith(ANSWER_KEY_PREFIX)) {
    return {
      ...row, dedupeKey: `${CARD_KEY_PREFIX}${cb.msgid}`, message: { kind: 'text', text: cb.event.key.slice(ANSWER_KEY_PREFIX.length) },
      responseUrl: cb.event.responseUrl,
    };
  }
  return null;
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
  await recordAnswered(deps.pool, { ...aibotInbound(cb, deps.now())!, message: withoutMention(cb.message, mention), replies });
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
    if (!row) return null;
    if (await recordInbound(deps.pool, row)) {
      notifier.notify({ transport: 'aibot', dedupeKey: row.dedupeKey, userid: cb.userid, media: needsMedia(row.message) });
    }
    return awaitReplies(deps.pool, row.dedupeKey, waitMs);
  };

  return async (cb) => {
    if (cb.kind === 'stream_refresh') return frame(cb.streamId, 0);
    if (cb.kind === 'event') {
      if (cb.event.type === 'feedback') await recordAibotFeedback(deps, cb);
      if (cb.event.type === 'enter_chat') return welcomeFrame(await handOver(cb, FIRST_FRAME_WAIT_MS));
      // the tap's answer goes to the event's response_url once handled; the card says what was chosen now
      if (cb.event.type === 'card_button' && aibotInbound(cb, deps.now())) {
        await handOver(cb, 0);
        return answeredCard(cb.event.key, opts.privateChatUrl);
      }
      return null;
    }
    if (cb.chat === 'group') return (await answerGroupMention(deps, cb, opts)) ? frame(cb.msgid, 0) : null;
    return streamFrame(cb.msgid, await handOver(cb, FIRST_FRAME_WAIT_MS));
  };
}

/** The stream's frame for a message's replies: finished when they are there (null: still being handled). */
export function streamFrame(id: string, replies: BotReply[] | null): StreamFrame {
  const stream = { id, finish: replies !== null, content: replies ? joinReplies(replies) : '', feedback: { id } };
  const choices = replies?.at(-1)?.choices;
  if (!choices?.length) return { msgtype: 'stream', stream };
  return {
    msgtype: 'stream_with_template_card', stream,
    template_card: {
      card_type: 'button_interaction', main_title: { title: '点一下回答', desc: '也可以直接打字回复' },
      // style 1 is the filled button: the first answer; button texts are kept to WeCom's 10 characters (30 bytes)
      button_list: choices.map((c, i) => ({ text: truncateBytes(c.label, 30), style: i === 0 ? 1 : 2, key: `${ANSWER_KEY_PREFIX}${c.answer}` })),
      // task ids allow letters, digits and _-@ only, and must not repeat for the bot
      task_id: `ask_${createHash('sha1').update(id).digest('hex').slice(0, 32)}`,
    },
  };
}

/** The tapped card, replaced by what was chosen. */
export function answeredCard(eventKey: string, privateChatUrl: string): AnsweredCardFrame {
  return {
    response_type: 'update_template_card',
    template_card: {
      card_type: 'text_notice', main_title: { title: `已选择：${truncateBytes(eventKey.slice(ANSWER_KEY_PREFIX.length), 60)}`, desc: '回答见下一条消息' },
      card_action: { type: 1, url: privateChatUrl },
    },
  };
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
