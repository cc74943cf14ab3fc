/**
 * The console: the H5 chat page (POST /api/bot/console) and `npm run chat`.
 * The signed-in member talks, the replies come straight back; nothing goes
 * to WeCom. Redelivered messages (same client message id) get the first
 * answer again.
 *
 *   const t = new ConsoleTransport(); await t.start((env) => inbox.receive(env));
 *   const replies = await t.talk('rep.zhao', { kind: 'text', text: '我的任务' });
 */
import { randomUUID } from 'node:crypto';
import type { BotMessage, BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage } from './bot-transport.js';

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
  }

  async stop(): Promise<void> {
    this.onMessage = null;
  }
}
