/**
 * The console: the H5 chat page (POST /api/bot/console) and `npm run chat`.
 * The signed-in member talks, the replies come straight back; nothing goes
 * to WeCom. Redelivered messages (same client message id) get the first
 * answer again.
 *
 *   const t = new ConsoleTransport(); await t.start((env) => inbox.receive(env));
 *   const replies = await t.talk('rep.zhao', { kind: 'text', text: '我的任务' });
 *
 * The H5 page reaches it through the API: main.ts hands the API
 * `createConsoleBot(botDeps)` (a core ConsoleBot port) when both run in one
 * process; otherwise the bot part answers the inbox rows the API records.
 */
import { randomUUID } from 'node:crypto';
import type { ConsoleBot } from '../../core/inbound/console-bridge.js';
import { Inbox } from '../engine/inbox.js';
import type { BotDeps, BotMessage, BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage } from './bot-transport.js';

/** The bot for the API in this process: record, handle and answer inside the request's transaction. */
export function createConsoleBot(deps: BotDeps): ConsoleBot {
  const inbox = new Inbox(deps, new ConsoleTransport());
  return { talk: (tx, env) => inbox.receiveWithin(tx, env) };
}

/** Pushed replies kept for a caller to show (a long-running worker must not grow without bound). */
const PUSHED_MAX = 100;

export class ConsoleTransport implements BotTransport {
  readonly name = 'console' as const;
  readonly transactional = false;
  readonly repliesInline = true;
  private onMessage: OnMessage | null = null;
  /** Replies pushed outside a conversation turn (e.g. a busy notice after retries). */
  readonly pushed: Array<{ userid: string; reply: BotReply }> = [];

  async start(onMessage: OnMessage): Promise<void> {
    this.onMessage = onMessage;
  }

  /** One message from a member; the replies of this message only. */
  async talk(userid: string, message: BotMessage, clientMessageId?: string): Promise<BotReply[]> {
    if (!this.onMessage) throw new Error('console transport not started');
    const dedupeKey = `console:${userid}:${clientMessageId ?? randomUUID()}`;
    return this.onMessage({ dedupeKey, userid, message });
  }

  async send(userid: string, reply: BotReply): Promise<void> {
    this.pushed.push({ userid, reply });
    if (this.pushed.length > PUSHED_MAX) this.pushed.splice(0, this.pushed.length - PUSHED_MAX);
  }

  async stop(): Promise<void> {
    this.onMessage = null;
  }
}
