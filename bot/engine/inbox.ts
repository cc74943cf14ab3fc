/**
 * The bot's one way in: exactly-once handling of whatever a transport
 * received, for production and tests alike. A message is recorded under its
 * dedupe key (a redelivery is a no-op) — a transport's by `receive`, a WeCom
 * callback's by the API before the 200 goes back (core/inbound) and then
 * signalled to `handle` — and handling claims it, runs the engine and marks it
 * processed in ONE transaction with the conversation and (for WeCom) the
 * outbox rows of the replies, so a crash anywhere leaves either nothing or
 * everything. Failures are retried by `sweep`, three times at most, after
 * which the member is told "系统繁忙，请稍后再试". The H5 chat in the API's
 * process goes the same way inside the request's transaction (`receiveWithin`).
 *
 * A handling is four round trips plus the engine's own: BEGIN, the claim
 * (message + member + conversation lock), the finish (conversation + outbox
 * + processed), COMMIT.
 *
 *   const inbox = new Inbox(botDeps, transport);
 *   await transport.start((env) => inbox.receive(env));
 */
import type pg from 'pg';
import {
  claimForHandling, finishHandling, findInbound, listStaleInbound, recordInbound, recordInboundFailure,
  type ClaimedInbound, type Conversation, type InboundTransport,
} from '../../core/inbound/inbound-repo.js';
import { withTransaction } from '../../core/db/pool.js';
import { textMessage, type OutboxMessage } from '../../core/outbox/enqueue.js';
import { BUSY, unknownMember } from '../replies/templates.js';
import type { BotTransport, InboundEnvelope } from '../transports/bot-transport.js';
import { runTurn, toReplies } from './run-turn.js';
import { prepareMedia, type Prepared } from './media.js';
import { UNDERSTANDING_SETTINGS } from './session.js';
import type { ConversationState, PendingQuestion } from './state.js';
import type { BotDeps, BotMessage, BotReply } from './types.js';

export const MAX_ATTEMPTS = 3;

/**
 * The transaction a recorded message is handled in. Its commit need not wait
 * for the WAL flush (synchronous_commit off): the message itself was recorded
 * durably before WeCom got its 200, so if a crash loses this commit the row is
 * still unprocessed and the sweeper handles it again — conversation, draft and
 * replies together (a resent reply is dropped by WeCom's duplicate check).
 */
function handlingTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, fn, { asyncCommit: true });
}

/** The replies as outbox rows, one stable dedupe key each, so a retried handling never queues twice. */
function outboxRows(userid: string, dedupeKey: string, replies: readonly BotReply[]): OutboxMessage[] {
  return replies.map((r, i) => ({ dedupeKey: `bot:${dedupeKey}:${i}`, recipient: userid, ...textMessage(r.text) }));
}

/** Runs the engine on a claimed message and finishes it (conversation, outbox, processed) in the same transaction. */
async function handleClaimed(
  tx: pg.PoolClient, deps: BotDeps, c: ClaimedInbound, opts: { prepared?: Prepared; outbox: boolean },
): Promise<BotReply[]> {
  const { dedupeKey, userid } = c.row;
  const convo = c.conversation as Conversation<ConversationState, PendingQuestion> | null;
  const replies = c.actor && convo
    ? await runTurn(tx, deps, c.actor, convo, c.row.message as BotMessage, { prepared: opts.prepared, settingsStamp: c.settingsStamp })
    : toReplies([unknownMember()]);
  await finishHandling(tx, {
    dedupeKey, replies, conversation: convo, outbox: opts.outbox ? outboxRows(userid, dedupeKey, replies) : [], now: deps.now(),
  });
  return replies;
}

export class Inbox {
  constructor(private readonly deps: BotDeps, private readonly transport: BotTransport) {}

  get transportName(): InboundTransport {
    return this.transport.name;
  }

  /** A message the transport has in hand: recorded, then handled; a redelivery gets the replies of its first handling. */
  async receive(env: InboundEnvelope): Promise<BotReply[]> {
    if (await this.record(env)) return this.handleRecorded(env);
    const row = await findInbound(this.deps.pool, env.dedupeKey);
    return (row?.replies as BotReply[] | null) ?? [];
  }

  /**
   * A message recorded elsewhere (the callback, another process), signalled or
   * swept: handled unless it is done or being handled; returns the replies it
   * sent. Only a message with a WeCom file to download is read first (the
   * download happens outside the transaction); the others are read by the
   * claim itself — `media: false` says which, when the caller knows.
   */
  async handle(m: { dedupeKey: string; userid: string; media?: boolean }): Promise<BotReply[]> {
    if (m.media === false) return this.handleClaimedBy(m.dedupeKey, m.userid);
    const row = await findInbound(this.deps.pool, m.dedupeKey);
    if (!row || row.processedAt) return [];
    return this.handleRecorded({ dedupeKey: m.dedupeKey, userid: row.userid, message: row.message as BotMessage });
  }

  /** Handles this transport's messages whose handling died, failed or was never signalled; returns how many were handled. */
  async sweep(olderThanMs = 10_000): Promise<number> {
    const stale = await listStaleInbound(this.deps.pool, new Date(this.deps.now().getTime() - olderThanMs));
    let n = 0;
    for (const s of stale.filter((x) => x.transport === this.transport.name)) {
      if ((await this.handle(s)).length > 0) n++;
    }
    return n;
  }

  /**
   * The H5 chat with the bot in the API's process: record, claim, handle and
   * mark processed inside the request's transaction — one commit. A replayed
   * client message id returns the replies of the first handling.
   */
  async receiveWithin(tx: pg.PoolClient, env: InboundEnvelope): Promise<{ replies: BotReply[]; replayed: boolean }> {
    const fresh = await recordInbound(tx, { ...env, transport: this.transport.name, now: this.deps.now() });
    const claimed = fresh ? await claimForHandling(tx, env.dedupeKey, UNDERSTANDING_SETTINGS) : null;
    if (!claimed) {
      const row = await findInbound(tx, env.dedupeKey);
      return { replies: (row?.replies as BotReply[] | null) ?? [], replayed: true };
    }
    return { replies: await handleClaimed(tx, this.deps, claimed, { outbox: false }), replayed: false };
  }

  private record(env: InboundEnvelope): Promise<boolean> {
    return recordInbound(this.deps.pool, { ...env, transport: this.transport.name, now: this.deps.now() });
  }

  /** A message just recorded, in hand (not read back); claiming makes it a no-op when another worker has it or did it. */
  private async handleRecorded(env: InboundEnvelope): Promise<BotReply[]> {
    let prepared: Prepared | undefined;
    try {
      prepared = await prepareMedia(this.deps, env.message);
    } catch (err) {
      return this.fail(env.dedupeKey, env.userid, err);
    }
    return this.handleClaimedBy(env.dedupeKey, env.userid, prepared);
  }

  private async handleClaimedBy(dedupeKey: string, userid: string, prepared?: Prepared): Promise<BotReply[]> {
    try {
      const done = await handlingTransaction(this.deps.pool, async (tx) => {
        const claimed = await claimForHandling(tx, dedupeKey, UNDERSTANDING_SETTINGS);
        if (!claimed) return null;
        const replies = await handleClaimed(tx, this.deps, claimed, { prepared, outbox: this.transport.transactional });
        return { userid: claimed.row.userid, replies };
      });
      if (done === null) return [];
      await this.deliver(done.userid, done.replies, dedupeKey);
      return done.replies;
    } catch (err) {
      return this.fail(dedupeKey, userid, err);
    }
  }

  /** `sendKey` makes each sent reply's key (the busy notice has its own); `answered` hears of the message's own key. */
  private async deliver(userid: string, replies: BotReply[], dedupeKey: string, sendKey = dedupeKey): Promise<void> {
    if (this.transport.repliesInline) return;
    if (this.transport.answered) {
      await this.transport.answered({ dedupeKey, userid, replies })
        .catch((err) => this.deps.logger.error({ err, dedupeKey }, 'bot answer not delivered'));
      return;
    }
    if (this.transport.transactional) {
      this.transport.flush?.();
      return;
    }
    for (const [i, r] of replies.entries()) {
      await this.transport.send(userid, r, { dedupeKey: `bot:${sendKey}:${i}` })
        .catch((err) => this.deps.logger.error({ err, dedupeKey }, 'bot reply not delivered'));
    }
  }

  /** One failed attempt, counted on the row; the last one closes it with "系统繁忙" (queued with it for WeCom). */
  private async fail(dedupeKey: string, userid: string, err: unknown): Promise<BotReply[]> {
    const busy: BotReply[] = [{ kind: 'text', text: BUSY }];
    const outcome = await recordInboundFailure(this.deps.pool, {
      dedupeKey, userid, error: err instanceof Error ? err.message : String(err), maxAttempts: MAX_ATTEMPTS, now: this.deps.now(),
      replies: busy, outbox: this.transport.transactional ? { dedupeKey: `bot:${dedupeKey}:busy`, ...textMessage(BUSY) } : null,
    }).catch((e) => {
      this.deps.logger.error({ err: e, dedupeKey }, 'bot failure not recorded');
      return null;
    });
    this.deps.logger.error({ err, dedupeKey, giveUp: outcome?.gaveUp ?? false }, 'bot message failed');
    if (!outcome?.gaveUp) return [];
    await this.deliver(outcome.userid, busy, dedupeKey, `${dedupeKey}:busy`);
    return busy;
  }
}
