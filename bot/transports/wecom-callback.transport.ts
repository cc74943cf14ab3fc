/**
 * The WeCom self-built app: messages arrive on the encrypted callback
 * (api/routes/wecom-callback.routes.ts decrypts them) and replies leave
 * through the outbox and message/send. `accept` is the callback's whole
 * synchronous part — check the member, persist the message — so the empty
 * 200 goes back within WeCom's 5 s; the engine runs right after, off the
 * request. Replies are outbox rows written in the handling transaction,
 * then pushed by the outbox deliverer (core/delivery): token expiry is
 * refreshed by the client, rate limits back off in the outbox, nothing is lost.
 *
 *   const receiver = new WecomCallbackReceiver(botDeps);
 *   const r = await receiver.accept(decrypted); // 'accepted' | 'duplicate' | 'ignored' | 'unknown_member' | 'card_event'
 */
import { randomUUID } from 'node:crypto';
import { handleCardEvent } from '../../core/alerts/card-events.js';
import { loadActiveActor } from '../../core/auth/actor.js';
import { deliverOutbox } from '../../core/delivery/deliver-outbox.js';
import { enqueueMessage, textMessage } from '../../core/notify/outbox.js';
import type { InboundMessage } from '../../core/wecom/inbound-message.js';
import { Inbox } from '../engine/inbox.js';
import { isCardEvent, toBotMessage } from '../engine/messages.js';
import type { BotDeps, BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage, SendOptions } from './bot-transport.js';

export class WecomCallbackTransport implements BotTransport {
  readonly name = 'wecom' as const;
  readonly transactional = true;
  private delivering: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: BotDeps) {}

  /** Messages are pushed by the callback route (WecomCallbackReceiver), not pulled: nothing to start. */
  async start(_onMessage: OnMessage): Promise<void> {}

  async send(userid: string, reply: BotReply, opts: SendOptions = {}): Promise<void> {
    await enqueueMessage(opts.db ?? this.deps.pool, {
      dedupeKey: opts.dedupeKey ?? `bot:${randomUUID()}`, recipient: userid, ...textMessage(reply.text),
    });
    if (!opts.db) this.flush();
  }

  /** Runs the outbox deliverer now; calls while it runs coalesce into one more run. */
  flush(): void {
    if (this.delivering) {
      this.again = true;
      return;
    }
    this.delivering = (async () => {
      do {
        this.again = false;
        await deliverOutbox(this.deps, { maxRounds: 3, timeBudgetMs: 4_000 })
          .catch((err) => this.deps.logger.error({ err }, 'bot: outbox delivery failed (the deliver job will retry)'));
      } while (this.again);
    })().finally(() => { this.delivering = null; });
  }

  /** Resolves when the delivery in flight (if any) is done. */
  async idle(): Promise<void> {
    while (this.delivering) await this.delivering;
  }

  async stop(): Promise<void> {
    await this.idle();
  }
}

export type Receipt = 'accepted' | 'duplicate' | 'ignored' | 'unknown_member' | 'card_event';

const MEMBER_CACHE_MS = 60_000;

export interface ReceiverOptions {
  /**
   * Messages handled at once (default 4). The rest wait in memory — they are
   * already in bot_inbound, so nothing is lost if the process dies — leaving
   * the pool free for acknowledgements, which must stay within WeCom's 5 s.
   */
  concurrency?: number;
}

export class WecomCallbackReceiver {
  readonly transport: WecomCallbackTransport;
  readonly inbox: Inbox;
  private readonly concurrency: number;
  private readonly queue: Array<() => Promise<unknown>> = [];
  private running = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /** Members seen active recently: the acknowledgement skips a query for them. */
  private readonly members = new Map<string, number>();

  constructor(private readonly deps: BotDeps, opts: ReceiverOptions = {}) {
    this.transport = new WecomCallbackTransport(deps);
    this.inbox = new Inbox(deps, this.transport);
    this.concurrency = opts.concurrency ?? 4;
  }

  /** The callback's synchronous part. Everything slow happens after it returns. */
  async accept(msg: InboundMessage): Promise<Receipt> {
    if (isCardEvent(msg)) {
      // the alerts engine applies a click once (by ResponseCode) and updates every copy of the card
      this.later(() => handleCardEvent(this.deps, {
        fromUserId: msg.fromUserId, eventKey: msg.eventKey, taskId: msg.taskId, ...(msg.responseCode ? { responseCode: msg.responseCode } : {}),
      }));
      return 'card_event';
    }
    const message = toBotMessage(msg);
    if (!message) return 'ignored';
    if (!(await this.isMember(msg.fromUserId))) return 'unknown_member';
    const env = { dedupeKey: msg.dedupeKey, userid: msg.fromUserId, message };
    if (!(await this.inbox.record(env))) return 'duplicate';
    this.later(() => this.inbox.processRecorded(env));
    return 'accepted';
  }

  /**
   * Whether the sender is an active member. Positive answers are remembered
   * briefly; someone deactivated meanwhile is still refused by the engine.
   */
  private async isMember(userid: string): Promise<boolean> {
    const now = Date.now();
    if ((this.members.get(userid) ?? 0) > now) return true;
    if (!(await loadActiveActor(this.deps.pool, { wecomUserid: userid }))) return false;
    if (this.members.size > 10_000) this.members.clear();
    this.members.set(userid, now + MEMBER_CACHE_MS);
    return true;
  }

  /** Resolves when every message accepted so far has been handled (tests, shutdown). */
  async drain(): Promise<void> {
    if (this.running > 0 || this.queue.length > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await this.transport.idle();
  }

  private later(fn: () => Promise<unknown>): void {
    this.queue.push(fn);
    setImmediate(() => this.pump());
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const fn = this.queue.shift()!;
      this.running++;
      fn()
        .catch((err) => this.deps.logger.error({ err }, 'bot: callback message failed'))
        .finally(() => {
          this.running--;
          if (this.running === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
          this.pump();
        });
    }
  }
}
