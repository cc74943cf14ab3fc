/**
 * One interface for every way members reach the bot: the WeCom self-built
 * app callback, wechaty, and the console (H5 chat page, `npm run chat`).
 * A transport receives messages and hands them to `onMessage` (the inbox:
 * dedupe, engine, exactly-once bookkeeping), and delivers replies.
 *
 *   await transport.start(inbox.receive);
 *   await transport.send('rep.zhao', { kind: 'text', text: '你好' });
 */
import type { Db } from '../../core/db/pool.js';
import type { InboundTransport } from '../../core/inbound/inbound-repo.js';
import type { BotMessage, BotReply } from '../engine/types.js';

export interface InboundEnvelope {
  /** Unique per message on its transport; a redelivery carries the same key. */
  dedupeKey: string;
  /** The member's WeCom userid. */
  userid: string;
  message: BotMessage;
  /** The 智能机器人's response_url, kept with the message for a late answer. */
  responseUrl?: string | null;
}

export type OnMessage = (envelope: InboundEnvelope) => Promise<BotReply[]>;

export interface SendOptions {
  /** The handling transaction: a transactional transport's reply commits (or not) with the conversation. */
  db?: Db;
  /** Stable per reply, so a retried handling never sends twice. */
  dedupeKey?: string;
}

export interface BotTransport {
  readonly name: InboundTransport;
  /**
   * True when replies are outbox rows written in the handling transaction
   * (WeCom: the inbox writes them with the conversation; `send` with `opts.db`
   * does the same for anything else); others send after commit.
   */
  readonly transactional: boolean;
  /** True when the caller of `onMessage` shows the replies itself (console): nothing to send. */
  readonly repliesInline?: boolean;
  /**
   * For a transport that answers a message as a whole (the 智能机器人's stream): called once its
   * handling is committed, with all its replies, instead of `send` for each.
   */
  answered?(a: { dedupeKey: string; userid: string; replies: BotReply[] }): Promise<void>;
  start(onMessage: OnMessage): Promise<void>;
  send(userid: string, reply: BotReply, opts?: SendOptions): Promise<void>;
  /** After a commit: push out what `send` queued (the WeCom deliverer); no-op elsewhere. */
  flush?(): void;
  stop(): Promise<void>;
}
