/**
 * bot_inbound: the bot's inbox. A transport records a message (dedupe key as
 * primary key, so WeCom's retries are no-ops), acknowledges, and handles it
 * later; handling claims the row, and marks it processed in the same
 * transaction that saves the conversation and queues the replies. A crash
 * in between leaves the row unprocessed, and the sweeper picks it up.
 *
 *   if (await recordInbound(pool, { dedupeKey: msg.dedupeKey, transport: 'wecom', userid, message })) kick();
 */
import type { Db } from '../db/pool.js';

export type InboundTransport = 'wecom' | 'wechaty' | 'console';

export interface InboundRow {
  dedupeKey: string;
  transport: InboundTransport;
  userid: string;
  message: unknown;
  receivedAt: Date;
  processedAt: Date | null;
  attempts: number;
  replies: unknown[] | null;
}

function toRow(r: any): InboundRow {
  return {
    dedupeKey: r.dedupe_key, transport: r.transport, userid: r.userid, message: r.message, receivedAt: r.received_at,
    processedAt: r.processed_at, attempts: r.attempts, replies: r.replies,
  };
}

/** True when the message is new; false for a retried delivery of one already recorded. */
export async function recordInbound(
  db: Db, m: { dedupeKey: string; transport: InboundTransport; userid: string; message: unknown; now: Date },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO bot_inbound (dedupe_key, transport, userid, message, received_at) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [m.dedupeKey, m.transport, m.userid, JSON.stringify(m.message), m.now],
  );
  return r.rowCount === 1;
}

/** Locks an unprocessed row for handling; null when it is done or another worker has it. */
export async function claimInbound(db: Db, dedupeKey: string): Promise<InboundRow | null> {
  const { rows: [r] } = await db.query(
    'SELECT * FROM bot_inbound WHERE dedupe_key = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED', [dedupeKey]);
  return r ? toRow(r) : null;
}

export async function findInbound(db: Db, dedupeKey: string): Promise<InboundRow | null> {
  const { rows: [r] } = await db.query('SELECT * FROM bot_inbound WHERE dedupe_key = $1', [dedupeKey]);
  return r ? toRow(r) : null;
}

export async function markInboundProcessed(db: Db, dedupeKey: string, replies: unknown[], now: Date): Promise<void> {
  await db.query(
    'UPDATE bot_inbound SET processed_at = $2, replies = $3, attempts = attempts + 1 WHERE dedupe_key = $1',
    [dedupeKey, now, JSON.stringify(replies)],
  );
}

/** A failed attempt; `giveUp` closes the row so a message that always fails is not retried forever. */
export async function recordInboundFailure(db: Db, dedupeKey: string, error: string, giveUp: boolean, now: Date): Promise<void> {
  await db.query(
    `UPDATE bot_inbound SET attempts = attempts + 1, last_error = $2, processed_at = CASE WHEN $3 THEN $4 ELSE NULL END
      WHERE dedupe_key = $1 AND processed_at IS NULL`,
    [dedupeKey, error.slice(0, 2000), giveUp, now],
  );
}

/** Unprocessed rows older than `before` (their first handler died or failed), oldest first. */
export async function listStaleInbound(db: Db, before: Date, limit = 50): Promise<Array<{ dedupeKey: string; transport: InboundTransport }>> {
  const { rows } = await db.query(
    `SELECT dedupe_key, transport FROM bot_inbound WHERE processed_at IS NULL AND received_at < $1 ORDER BY received_at LIMIT $2`,
    [before, limit],
  );
  return rows.map((r) => ({ dedupeKey: r.dedupe_key, transport: r.transport }));
}
