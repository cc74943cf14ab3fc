/**
 * The WeCom self-built app: messages arrive on the encrypted callback, which
 * the API verifies, decrypts and records (core/inbound/accept-callback.ts)
 * before its empty 200; the bot part hears of them through the inbound signal
 * (bot/engine/inbound-worker.ts). Replies are outbox rows written in the
 * handling transaction, then pushed by the outbox deliverer (core/outbox):
 * token expiry is refreshed by the client, rate limits back off in the
 * outbox, nothing is lost.
 *
 *   const transport = new WecomCallbackTransport(botDeps);
 *   const inbox = new Inbox(botDeps, transport); // replies: outbox rows, then transport.flush()
 */
import { randomUUID } from 'node:crypto';
import { deliverOutbox } from '../../core/outbox/deliver.js';
import { enqueueMessage, textMessage } from '../../core/outbox/enqueue.js';
import type { BotDeps, BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage, SendOptions } from './bot-transport.js';

export class WecomCallbackTransport implements BotTransport {
  readonly name = 'wecom' as const;
  readonly transactional = true;
  private delivering: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: BotDeps) {}

  /** Messages are recorded by the callback route and signalled to the inbound worker: nothing to start. */
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
