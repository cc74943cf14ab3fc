/**
 * The WeCom 智能机器人 (AI bot) in long-connection mode (reference §9 B): the bot part holds one
 * WebSocket to WeCom (core/wecom/aibot-socket.ts) instead of the API taking URL callbacks. A message
 * frame goes through the inbox like every transport's (dedupe key `aibot:<msgid>`, the JSON mode's:
 * a frame WeCom delivers again after a dropped connection is handled once and answered from its
 * first handling) and is answered on the frame's req_id as the JSON mode's stream: one finished
 * frame when the answer is ready within FIRST_FRAME_WAIT_MS, else an empty unfinished frame at once
 * and the finished one after. Members' messages are handled in the order they came. Group chats:
 * as the JSON mode (answered only when @-mentioned, generally, with the private-chat link).
 * A reply of the bot's outside a stream (a swept message's answer, the busy notice) is pushed with
 * aibot_send_msg to the member's single chat.
 *
 *   const transport = new AibotSocketTransport(deps, config.aibotSocket, { privateChatUrl });
 *   const inbox = new Inbox(deps, transport);
 *   await transport.start((env) => inbox.receive(env));
 */
import type { AibotSocketConfig } from '../../core/config.js';
import {
  aibotInbound, answerGroupMention, answeredCard, FIRST_FRAME_WAIT_MS, joinReplies, recordAibotFeedback, STREAM_WINDOW_MS, streamFrame, welcomeFrame,
} from '../../core/inbound/accept-aibot.js';
import { toAibotCallback, type AibotCallback } from '../../core/inbound/aibot-message.js';
import { awaitReplies } from '../../core/inbound/inbound-repo.js';
import { AIBOT_CMD, AibotSocket, type AibotCallbackFrame } from '../../core/wecom/aibot-socket.js';
import type { BotDeps, BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage, SendOptions } from './bot-transport.js';

export interface AibotSocketTransportOptions {
  /** Where the private chat with the bot is (the H5 chat page). */
  privateChatUrl: string;
  heartbeatMs?: number;
  reconnectBaseMs?: number;
}

export class AibotSocketTransport implements BotTransport {
  readonly name = 'aibot' as const;
  readonly transactional = false;
  private readonly socket: AibotSocket;
  private onMessage: OnMessage | null = null;
  /** Inbox keys whose replies travel in their stream, not as pushes. */
  private readonly streaming = new Set<string>();
  /** The tail of each member's messages being handled. */
  private readonly members = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: BotDeps, private readonly cfg: AibotSocketConfig, private readonly opts: AibotSocketTransportOptions) {
    this.socket = new AibotSocket({
      url: cfg.url, botId: cfg.botId, secret: cfg.secret, logger: deps.logger,
      heartbeatMs: opts.heartbeatMs, reconnectBaseMs: opts.reconnectBaseMs,
      onCallback: (f) => this.track(this.callback(f)),
    });
  }

  /** Connects in the background: without WeCom reachable the rest of the system runs, and the socket keeps trying. */
  async start(onMessage: OnMessage): Promise<void> {
    this.onMessage = onMessage;
    this.socket.open();
  }

  /** Resolves once subscribed (tests). */
  ready(): Promise<void> {
    return this.socket.whenReady();
  }

  async send(userid: string, reply: BotReply, _opts: SendOptions = {}): Promise<void> {
    await this.socket.push(userid, { msgtype: 'markdown', markdown: { content: reply.text } });
  }

  /** A message's answer: its stream carries it, unless nobody streams it (the sweeper handled it). */
  async answered(a: { dedupeKey: string; userid: string; replies: BotReply[] }): Promise<void> {
    if (this.streaming.has(a.dedupeKey) || a.replies.length === 0) return;
    await this.socket.push(a.userid, { msgtype: 'markdown', markdown: { content: joinReplies(a.replies) } });
  }

  async stop(): Promise<void> {
    await this.socket.close();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async callback(f: AibotCallbackFrame): Promise<void> {
    let cb: AibotCallback;
    try {
      cb = toAibotCallback(f.body);
    } catch (err) {
      this.deps.logger.warn({ err, reqId: f.reqId }, '智能机器人长连接回调格式不正确（已忽略）');
      return;
    }
    try {
      if (cb.kind === 'message') await this.message(f.reqId, cb);
      if (cb.kind === 'event') await this.event(f.reqId, cb);
    } catch (err) {
      // the message is in the inbox (or was never recorded, and WeCom delivers it again): nothing is lost
      this.deps.logger.error({ err, reqId: f.reqId }, '智能机器人长连接回复失败');
    }
  }

  private async message(reqId: string, cb: Extract<AibotCallback, { kind: 'message' }>): Promise<void> {
    if (cb.chat === 'group') {
      const replies = await answerGroupMention(this.deps, cb, { name: this.cfg.name, privateChatUrl: this.opts.privateChatUrl });
      if (replies) await this.socket.reply(reqId, streamFrame(cb.msgid, replies));
      return;
    }
    const { dedupeKey, message, responseUrl } = aibotInbound(cb, this.deps.now())!;
    this.streaming.add(dedupeKey);
    try {
      const handled = this.inOrder(cb.userid, () => this.onMessage!({ dedupeKey, userid: cb.userid, message, responseUrl }));
      const early = await Promise.race([handled, new Promise<null>((r) => setTimeout(() => r(null), FIRST_FRAME_WAIT_MS).unref())]);
      if (early === null) await this.socket.reply(reqId, streamFrame(cb.msgid, null));
      let replies = early ?? await handled;
      // a redelivery while its first handling still runs: that handling's answer
      if (replies.length === 0) replies = (await awaitReplies(this.deps.pool, dedupeKey, STREAM_WINDOW_MS)) ?? [];
      await this.socket.reply(reqId, streamFrame(cb.msgid, replies));
    } finally {
      this.streaming.delete(dedupeKey);
    }
  }

  private async event(reqId: string, cb: Extract<AibotCallback, { kind: 'event' }>): Promise<void> {
    if (cb.event.type === 'feedback') await recordAibotFeedback(this.deps, cb);
    const row = aibotInbound(cb, this.deps.now());
    if (!row) return;
    const handle = () => this.inOrder(cb.userid, () => this.onMessage!({ dedupeKey: row.dedupeKey, userid: cb.userid, message: row.message, responseUrl: row.responseUrl }));
    if (cb.event.type === 'card_button') {
      // the card says what was chosen at once (WeCom waits 5 s for it); the answer is pushed once handled
      await this.socket.reply(reqId, answeredCard(cb.event.key, this.opts.privateChatUrl), AIBOT_CMD.update);
      await handle();
      return;
    }
    this.streaming.add(row.dedupeKey);
    try {
      const welcome = welcomeFrame(await handle());
      if (welcome) await this.socket.reply(reqId, welcome, AIBOT_CMD.welcome);
    } finally {
      this.streaming.delete(row.dedupeKey);
    }
  }

  /** Runs `fn` after the member's earlier messages: a correction never overtakes what it corrects. */
  private inOrder<T>(userid: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.members.get(userid) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(fn);
    const tail = mine.catch(() => undefined);
    this.members.set(userid, tail);
    void tail.then(() => {
      if (this.members.get(userid) === tail) this.members.delete(userid);
    });
    return mine;
  }
}
