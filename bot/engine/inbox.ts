/**
 * Exactly-once handling of whatever a transport received. `record` persists
 * the message under its dedupe key (a redelivery is a no-op) — for WeCom,
 * before the 200 goes back; `process` claims it, runs the engine and marks
 * it processed in ONE transaction with the conversation and (for WeCom) the
 * outbox rows of the replies, so a crash anywhere leaves either nothing or
 * everything. Failures are retried by the sweeper, three times at most,
 * after which the member is told "系统繁忙，请稍后再试".
 *
 *   const inbox = new Inbox(botDeps, transport);
 *   await transport.start((env) => inbox.receive(env));
 */
import type pg from 'pg';
import {
  claimInbound, findInbound, listStaleInbound, markInboundProcessed, recordInbound, recordInboundFailure, type InboundTransport,
} from '../../core/bot-state/inbound-repo.js';
import { withTransaction } from '../../core/db/pool.js';
import { BUSY } from '../replies/templates.js';
import type { BotTransport, InboundEnvelope } from '../transports/bot-transport.js';
import { handleMessageIn } from './handle-message.js';
import { prepareMedia } from './media.js';
import type { BotDeps, BotMessage, BotReply } from './types.js';

export const MAX_ATTEMPTS = 3;

/**
 * The transaction a recorded message is handled in. Its commit need not wait
 * for the WAL flush (synchronous_commit off): the message itself was recorded
 * durably before WeCom got its 200, so if a crash loses this commit the row is
 * still unprocessed and the sweeper handles it again — conversation, draft and
 * replies together (a resent reply is dropped by WeCom's duplicate check).
 * BEGIN and the setting go in one round trip.
 */
function handlingTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, fn, { asyncCommit: true });
}

export class Inbox {
  constructor(private readonly deps: BotDeps, private readonly transport: BotTransport) {}

  /** True when new; false for a redelivery of a message already recorded. */
  record(env: InboundEnvelope): Promise<boolean> {
    return recordInbound(this.deps.pool, { ...env, transport: this.transport.name, now: this.deps.now() });
  }

  /** Handles a recorded message unless it is done or being handled; returns the replies it sent. */
  async process(dedupeKey: string): Promise<BotReply[]> {
    const row = await findInbound(this.deps.pool, dedupeKey);
    if (!row || row.processedAt) return [];
    return this.processRecorded({ dedupeKey, userid: row.userid, message: row.message as BotMessage }, row.attempts);
  }

  /**
   * Handles a message just recorded (the caller has it in hand, so it is not
   * read back). Claiming makes it a no-op when another worker has it or did it.
   */
  async processRecorded(env: InboundEnvelope, attempts = 0): Promise<BotReply[]> {
    const { dedupeKey, userid, message } = env;
    try {
      const prepared = await prepareMedia(this.deps, message);
      const replies = await handlingTransaction(this.deps.pool, async (tx) => {
        if (!(await claimInbound(tx, dedupeKey))) return null;
        const out = await handleMessageIn(tx, this.deps, { userid, message }, prepared);
        if (this.transport.transactional) {
          for (const [i, r] of out.entries()) await this.transport.send(userid, r, { db: tx, dedupeKey: `bot:${dedupeKey}:${i}` });
        }
        await markInboundProcessed(tx, dedupeKey, out, this.deps.now());
        return out;
      });
      if (replies === null) return [];
      await this.deliver(userid, replies, dedupeKey);
      return replies;
    } catch (err) {
      return this.fail(userid, dedupeKey, attempts + 1, err);
    }
  }

  /** record + process; a redelivered message gets the replies of its first handling (never handled twice). */
  async receive(env: InboundEnvelope): Promise<BotReply[]> {
    if (await this.record(env)) return this.processRecorded(env);
    const row = await findInbound(this.deps.pool, env.dedupeKey);
    return (row?.replies as BotReply[] | null) ?? [];
  }

  /** Retries messages whose handling died or failed; returns how many were handled. */
  async sweep(olderThanMs = 10_000): Promise<number> {
    const stale = await listStaleInbound(this.deps.pool, new Date(this.deps.now().getTime() - olderThanMs));
    let n = 0;
    for (const s of stale.filter((x) => x.transport === this.transport.name)) {
      if ((await this.process(s.dedupeKey)).length > 0) n++;
    }
    return n;
  }

  private async deliver(userid: string, replies: BotReply[], dedupeKey: string): Promise<void> {
    if (this.transport.repliesInline) return;
    if (this.transport.transactional) {
      this.transport.flush?.();
      return;
    }
    for (const [i, r] of replies.entries()) {
      await this.transport.send(userid, r, { dedupeKey: `bot:${dedupeKey}:${i}` })
        .catch((err) => this.deps.logger.error({ err, dedupeKey }, 'bot reply not delivered'));
    }
  }

  private async fail(userid: string, dedupeKey: string, attempt: number, err: unknown): Promise<BotReply[]> {
    const giveUp = attempt >= MAX_ATTEMPTS;
    this.deps.logger.error({ err, dedupeKey, attempt, giveUp }, 'bot message failed');
    await recordInboundFailure(this.deps.pool, dedupeKey, err instanceof Error ? err.message : String(err), giveUp, this.deps.now())
      .catch((e) => this.deps.logger.error({ err: e, dedupeKey }, 'bot failure not recorded'));
    if (!giveUp) return [];
    const busy: BotReply[] = [{ kind: 'text', text: BUSY }];
    if (this.transport.transactional) {
      await withTransaction(this.deps.pool, (tx) => this.transport.send(userid, busy[0], { db: tx, dedupeKey: `bot:${dedupeKey}:busy` }))
        .catch((e) => this.deps.logger.error({ err: e, dedupeKey }, 'busy reply not queued'));
    }
    await this.deliver(userid, busy, `${dedupeKey}:busy`);
    return busy;
  }
}

/**
 * The console's path, inside the caller's transaction (the HTTP request's):
 * record, handle, mark processed — one commit. A replayed client message id
 * returns the replies of the first handling.
 */
export async function receiveInTransaction(
  tx: pg.PoolClient, deps: BotDeps, transport: InboundTransport, env: InboundEnvelope,
): Promise<{ replies: BotReply[]; replayed: boolean }> {
  const fresh = await recordInbound(tx, { ...env, transport, now: deps.now() });
  const claimed = fresh ? await claimInbound(tx, env.dedupeKey) : null;
  if (!claimed) {
    const row = await findInbound(tx, env.dedupeKey);
    return { replies: (row?.replies as BotReply[] | null) ?? [], replayed: true };
  }
  const replies = await handleMessageIn(tx, deps, { userid: env.userid, message: env.message });
  await markInboundProcessed(tx, env.dedupeKey, replies, deps.now());
  return { replies, replayed: false };
}
