/**
 * The 智能机器人's long connection (reference §9 B; the protocol of WeCom's WecomTeam/aibot-node-sdk):
 * one WebSocket, subscribed with the bot's id and secret, kept alive by a `ping` every 30 s (two
 * unanswered: the link is dead and is dropped), reopened after any drop with exponential backoff
 * (1 s doubling to 30 s, without end: a bot that gives up is silent until someone restarts it) —
 * except when WeCom says a newer connection of the same bot replaced this one (disconnected_event).
 * Every frame is `{cmd, headers: {req_id}, body}`; WeCom answers each of ours with
 * `{headers: {req_id}, errcode, errmsg}`. Callbacks (messages, events) go to `onCallback`. A reply
 * reuses its callback's req_id, and the replies to one req_id go out one at a time, each after the
 * previous one's acknowledgement: a stream's frames must arrive in order.
 *
 *   const socket = new AibotSocket({ url, botId, secret, logger, onCallback: (f) => … });
 *   socket.open();
 *   await socket.reply(f.reqId, { msgtype: 'stream', stream: { id, finish: true, content } });
 *   await socket.close();
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

export const AIBOT_CMD = {
  subscribe: 'aibot_subscribe',
  ping: 'ping',
  respond: 'aibot_respond_msg',
  welcome: 'aibot_respond_welcome_msg',
  update: 'aibot_respond_update_msg',
  send: 'aibot_send_msg',
  message: 'aibot_msg_callback',
  event: 'aibot_event_callback',
} as const;

const Frame = z.object({
  cmd: z.string().max(64).optional(),
  headers: z.looseObject({ req_id: z.string().min(1).max(256) }),
  body: z.unknown().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});

/** A callback from WeCom: what it carries, and the req_id its replies go back with. */
export interface AibotCallbackFrame {
  cmd: typeof AIBOT_CMD.message | typeof AIBOT_CMD.event;
  reqId: string;
  body: unknown;
}

export interface AibotSocketOptions {
  url: string;
  botId: string;
  secret: string;
  logger: Logger;
  onCallback: (frame: AibotCallbackFrame) => void;
  heartbeatMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** How long a frame of ours waits for WeCom's acknowledgement. */
  ackTimeoutMs?: number;
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Unanswered pings after which the link counts as dead. */
const MAX_MISSED_PINGS = 2;

/** WeCom's notice that a newer connection of the same bot replaced this one. */
function isReplaced(body: unknown): boolean {
  return (body as { event?: { eventtype?: unknown } } | undefined)?.event?.eventtype === 'disconnected_event';
}

export function newReqId(prefix: string): string {
  return `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
}

export class AibotSocket {
  private ws: WebSocket | null = null;
  private closing = false;
  private authenticated = false;
  /** Drops since the last successful subscription: the backoff's exponent. */
  private failures = 0;
  private missedPings = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, Pending>();
  /** The tail of each req_id's queue of replies. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readyWaiters: Array<() => void> = [];
  private readonly heartbeatMs: number;
  private readonly reconnectBaseMs: number;
  private readonly reconnectMaxMs: number;
  private readonly ackTimeoutMs: number;

  constructor(private readonly o: AibotSocketOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 30_000;
    this.reconnectBaseMs = o.reconnectBaseMs ?? 1_000;
    this.reconnectMaxMs = o.reconnectMaxMs ?? 30_000;
    this.ackTimeoutMs = o.ackTimeoutMs ?? 5_000;
  }

  /** True while subscribed: callbacks arrive and replies can go out. */
  get ready(): boolean {
    return this.authenticated;
  }

  /** True once closed, or replaced by a newer connection of the bot: it will not reconnect. */
  get stopped(): boolean {
    return this.closing;
  }

  /** Resolves once subscribed (at once when already). */
  whenReady(): Promise<void> {
    return this.authenticated ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  open(): void {
    this.closing = false;
    const ws = new WebSocket(this.o.url);
    this.ws = ws;
    ws.on('open', () => {
      this.missedPings = 0;
      // the subscription's acknowledgement is told apart by its req_id's prefix
      this.sendRaw({ cmd: AIBOT_CMD.subscribe, headers: { req_id: newReqId(AIBOT_CMD.subscribe) }, body: { bot_id: this.o.botId, secret: this.o.secret } });
    });
    ws.on('message', (data) => this.receive(data.toString()));
    ws.on('close', (code) => this.dropped(ws, `closed (${code})`));
    ws.on('error', (err) => this.o.logger.warn({ err: err.message }, '智能机器人长连接出错'));
  }

  /**
   * A frame answering `reqId` (a callback's), sent after the replies to it before; resolves on
   * WeCom's acknowledgement. Rejected (AIBOT_SOCKET_DOWN / AIBOT_REPLY_REFUSED) when the link is
   * down or WeCom refuses it — the callback's message is in the inbox either way.
   */
  reply(reqId: string, body: unknown, cmd: string = AIBOT_CMD.respond): Promise<void> {
    const previous = this.queues.get(reqId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.request(cmd, reqId, body));
    const tail = mine.catch(() => undefined);
    this.queues.set(reqId, tail);
    void tail.then(() => {
      if (this.queues.get(reqId) === tail) this.queues.delete(reqId);
    });
    return mine;
  }

  /** A message of the bot's own (not an answer): a markdown to a member's single chat or a group. */
  push(chatid: string, body: Record<string, unknown>): Promise<void> {
    return this.request(AIBOT_CMD.send, newReqId(AIBOT_CMD.send), { chatid, ...body });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopTimers();
    const ws = this.ws;
    this.ws = null;
    this.authenticated = false;
    this.failPending('连接已关闭');
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    }
  }

  private request(cmd: string, reqId: string, body: unknown): Promise<void> {
    if (!this.authenticated || !this.ws) return Promise.reject(new AppError('AIBOT_SOCKET_DOWN'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new AppError('AIBOT_SOCKET_DOWN', { reqId, reason: 'ack timeout' }));
      }, this.ackTimeoutMs);
      this.pending.set(reqId, { resolve, reject, timer });
      this.sendRaw({ cmd, headers: { req_id: reqId }, body });
    });
  }

  private sendRaw(frame: object): void {
    this.ws?.send(JSON.stringify(frame));
  }

  private receive(raw: string): void {
    let frame: z.infer<typeof Frame>;
    try {
      frame = Frame.parse(JSON.parse(raw));
    } catch {
      this.o.logger.warn({ frame: raw.slice(0, 200) }, '智能机器人长连接收到无法识别的帧（已忽略）');
      return;
    }
    const reqId = frame.headers.req_id;
    if (frame.cmd === AIBOT_CMD.event && isReplaced(frame.body)) {
      // another connection took this bot over (one per bot): reconnecting would only take it back and forth
      this.o.logger.error('智能机器人长连接被新的连接取代（同一个机器人只能有一个连接），本连接停止；检查是否有另一个进程在用同一个 Bot ID');
      this.closing = true;
      this.ws?.terminate();
      return;
    }
    if (frame.cmd === AIBOT_CMD.message || frame.cmd === AIBOT_CMD.event) {
      this.o.onCallback({ cmd: frame.cmd, reqId, body: frame.body });
      return;
    }
    if (reqId.startsWith(AIBOT_CMD.subscribe)) {
      this.subscribed(frame.errcode ?? -1, frame.errmsg);
      return;
    }
    if (reqId.startsWith(`${AIBOT_CMD.ping}_`)) {
      if (frame.errcode === 0) this.missedPings = 0;
      return;
    }
    const p = this.pending.get(reqId);
    if (!p) return;
    this.pending.delete(reqId);
    clearTimeout(p.timer);
    if (frame.errcode === 0) p.resolve();
    else p.reject(new AppError('AIBOT_REPLY_REFUSED', { reqId, errcode: frame.errcode, errmsg: frame.errmsg }));
  }

  private subscribed(errcode: number, errmsg: string | undefined): void {
    if (errcode !== 0) {
      // a wrong secret stays wrong, but an operator may fix it in WeCom: keep trying, slowly
      this.o.logger.error({ errcode, errmsg }, '智能机器人长连接认证失败（检查 WECOM_AIBOT_BOT_ID / WECOM_AIBOT_SECRET）');
      this.ws?.terminate();
      return;
    }
    this.authenticated = true;
    this.failures = 0;
    this.o.logger.info('智能机器人长连接已订阅');
    this.heartbeat = setInterval(() => this.ping(), this.heartbeatMs);
    this.heartbeat.unref();
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private ping(): void {
    if (this.missedPings >= MAX_MISSED_PINGS) {
      this.o.logger.warn({ missed: this.missedPings }, '智能机器人长连接心跳无应答，重新连接');
      this.ws?.terminate();
      return;
    }
    this.missedPings++;
    this.sendRaw({ cmd: AIBOT_CMD.ping, headers: { req_id: newReqId(AIBOT_CMD.ping) } });
  }

  private dropped(ws: WebSocket, why: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.authenticated = false;
    this.stopTimers();
    this.failPending(why);
    if (this.closing) return;
    const delay = Math.min(this.reconnectBaseMs * 2 ** this.failures, this.reconnectMaxMs);
    this.failures++;
    this.o.logger.warn({ why, delayMs: delay, attempt: this.failures }, '智能机器人长连接断开，稍后重连');
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      if (!this.closing) this.open();
    }, delay);
    this.reconnect.unref();
  }

  private failPending(why: string): void {
    for (const [reqId, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new AppError('AIBOT_SOCKET_DOWN', { reqId, reason: why }));
    }
    this.pending.clear();
  }

  private stopTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnect) clearTimeout(this.reconnect);
    this.heartbeat = null;
    this.reconnect = null;
  }
}
