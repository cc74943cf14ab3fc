/**
 * bot_inbound: the bot's inbox. A transport records a message (dedupe key as
 * primary key, so WeCom's retries are no-ops), acknowledges, and handles it
 * later; handling claims the row, and marks it processed in the same
 * transaction that saves the conversation and queues the replies. A crash
 * in between leaves the row unprocessed, and the sweeper picks it up.
 *
 * The statements every message runs are named (prepared once per
 * connection), so PostgreSQL does not parse and plan them each time — a
 * good part of its CPU per message. They name their columns: a prepared
 * `SELECT *` fails once a migration adds one.
 *
 *   if (await recordInbound(pool, { dedupeKey: msg.dedupeKey, transport: 'wecom', userid, message, now })) notifier.notify(signal);
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { enqueueMessagesCte, type OutboxMessage } from '../outbox/enqueue.js';
import { settingsStampSql } from '../settings/stamp.js';
import type { BotMessage, BotReply } from './bot-message.js';

export type InboundTransport = 'wecom' | 'wechaty' | 'console' | 'aibot';

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

const INBOUND_COLUMNS = 'dedupe_key, transport, userid, message, received_at, processed_at, attempts, replies';

function toRow(r: any): InboundRow {
  return {
    dedupeKey: r.dedupe_key, transport: r.transport, userid: r.userid, message: r.message, receivedAt: r.received_at,
    processedAt: r.processed_at, attempts: r.attempts, replies: r.replies,
  };
}

export interface NewInbound {
  dedupeKey: string;
  transport: InboundTransport;
  userid: string;
  message: BotMessage;
  now: Date;
  /** The 智能机器人's response_url: where a late answer can still go. */
  responseUrl?: string | null;
}

/** True when the message is new; false for a retried delivery of one already recorded. One round trip. */
export async function recordInbound(db: Db, m: NewInbound): Promise<boolean> {
  const r = await db.query({
    name: 'bot-record',
    text: `INSERT INTO bot_inbound (dedupe_key, transport, userid, message, received_at, response_url) VALUES ($1,$2,$3,$4,$5,$6)
           ON CONFLICT (dedupe_key) DO NOTHING`,
    values: [m.dedupeKey, m.transport, m.userid, JSON.stringify(m.message), m.now, m.responseUrl ?? null],
  });
  return r.rowCount === 1;
}

/** When a message came and where its late answer may go (the 智能机器人's response_url); null when unknown. */
export async function inboundReplyRoute(db: Db, dedupeKey: string): Promise<{ receivedAt: Date; responseUrl: string | null } | null> {
  const { rows: [r] } = await db.query('SELECT received_at, response_url FROM bot_inbound WHERE dedupe_key = $1', [dedupeKey]);
  return r ? { receivedAt: r.received_at, responseUrl: r.response_url } : null;
}

export interface AnswerFeedback {
  eventKey: string;
  userid: string;
  answerKey: string;
  rating: 'good' | 'bad' | 'withdrawn';
  comment: string | null;
  reasons: string[];
  now: Date;
}

/** A member's rating of an answer (the 智能机器人's feedback_event); a redelivered event changes nothing. */
export async function recordAnswerFeedback(db: Db, f: AnswerFeedback): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO bot_feedback (event_key, userid, answer_key, rating, comment, reasons, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (event_key) DO NOTHING`,
    [f.eventKey, f.userid, f.answerKey, f.rating, f.comment, f.reasons, f.now],
  );
  return r.rowCount === 1;
}

/**
 * bot_conversations: one row per member, claimed (locked) with each of their
 * messages, so a member's messages are handled strictly one after another.
 * State and the pending question are opaque JSON here; bot/engine/state.ts
 * gives them their shape.
 */
export interface Conversation<S, P> {
  userId: number;
  state: S;
  activeActionId: number | null;
  pendingQuestion: P | null;
  updatedAt: Date;
  version: number;
}

/** A message claimed for handling, with its sender and their conversation (locked until the transaction ends). */
export interface ClaimedInbound {
  row: InboundRow;
  /** null: the sender is not (or no longer) an active member. */
  actor: Actor | null;
  /** The conversation row as stored; null with no actor. */
  conversation: Conversation<unknown, unknown> | null;
  /** The stamp of the settings the handler reads (core/settings/stamp.ts), read in the same round trip. */
  settingsStamp: string;
}

/**
 * Claims an unprocessed message and, in the same round trip, loads its active
 * sender (the columns of core/auth loadActiveActor) and locks their
 * conversation, creating it on first contact. Null when the message is done
 * or another worker has it. The inbound row is locked first, then the
 * conversation: a member's messages wait for each other, not for anyone else's.
 * `settings`: the keys of the settings the handling builds on, whose stamp comes along.
 */
export async function claimForHandling(db: Db, dedupeKey: string, settings: readonly string[]): Promise<ClaimedInbound | null> {
  const { rows: [r] } = await db.query({
    name: 'bot-claim',
    text: `WITH m AS (
       SELECT ${INBOUND_COLUMNS} FROM bot_inbound WHERE dedupe_key = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED
     ), a AS (
       SELECT u.id, u.wecom_userid, u.name, u.role, u.department_id, d.path AS department_path, u.manager_id
         FROM m JOIN users u ON u.wecom_userid = m.userid AND u.active LEFT JOIN departments d ON d.id = u.department_id
     ), c AS (
       INSERT INTO bot_conversations (user_id) SELECT id FROM a
       ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
       RETURNING user_id, state, active_action_id, pending_question, updated_at, version
     )
     SELECT ${INBOUND_COLUMNS}, to_jsonb(a) AS actor, c.user_id AS c_user_id, c.state AS c_state, c.active_action_id AS c_active_action_id,
            c.pending_question AS c_pending_question, c.updated_at AS c_updated_at, c.version AS c_version,
            ${settingsStampSql('$2')} AS settings_stamp
       FROM m LEFT JOIN a ON true LEFT JOIN c ON true`,
    values: [dedupeKey, settings],
  });
  if (!r) return null;
  const a = r.actor as any;
  return {
    row: toRow(r),
    actor: a ? {
      id: Number(a.id), wecomUserid: a.wecom_userid, name: a.name, role: a.role,
      departmentId: a.department_id === null ? null : Number(a.department_id), departmentPath: a.department_path,
      managerId: a.manager_id === null ? null : Number(a.manager_id),
    } : null,
    conversation: r.c_user_id === null ? null : {
      userId: r.c_user_id, state: r.c_state, activeActionId: r.c_active_action_id, pendingQuestion: r.c_pending_question,
      updatedAt: r.c_updated_at, version: r.c_version,
    },
    settingsStamp: r.settings_stamp,
  };
}

export interface HandlingResult {
  dedupeKey: string;
  replies: BotReply[];
  /** The conversation to save (null: none was locked). */
  conversation: { userId: number; state: unknown; activeActionId: number | null; pendingQuestion: unknown } | null;
  /** Replies queued for WeCom (core/outbox, same dedupe rule). */
  outbox: OutboxMessage[];
  now: Date;
}

/**
 * The end of a handling, in one round trip: the conversation saved, the
 * replies queued in the outbox, the message marked processed (with its
 * replies, for a replayed console request).
 */
export async function finishHandling(db: Db, h: HandlingResult): Promise<void> {
  const c = h.conversation;
  const st = new Sql();
  const now = st.param(h.now);
  if (c) {
    st.with('conv', `UPDATE bot_conversations SET state = ${st.param(JSON.stringify(c.state))}, active_action_id = ${st.param(c.activeActionId)},
      pending_question = ${st.param(c.pendingQuestion == null ? null : JSON.stringify(c.pendingQuestion))}, updated_at = ${now}, version = version + 1
      WHERE user_id = ${st.param(c.userId)}`);
  }
  if (h.outbox.length) enqueueMessagesCte(st, 'out', h.outbox);
  await db.query(st.prepared(
    `UPDATE bot_inbound SET processed_at = ${now}, replies = ${st.param(JSON.stringify(h.replies))}, attempts = attempts + 1
      WHERE dedupe_key = ${st.param(h.dedupeKey)}`));
}

export async function findInbound(db: Db, dedupeKey: string): Promise<InboundRow | null> {
  const { rows: [r] } = await db.query(`SELECT ${INBOUND_COLUMNS} FROM bot_inbound WHERE dedupe_key = $1`, [dedupeKey]);
  return r ? toRow(r) : null;
}

export interface InboundFailure {
  dedupeKey: string;
  /** The message's sender (the row's userid): told when the row is closed. */
  userid: string;
  error: string;
  /** The attempt that reaches this closes the row. */
  maxAttempts: number;
  now: Date;
  /** What the member is told when the row is closed (stored as its replies). */
  replies: BotReply[];
  /** …and, for WeCom, the same as an outbox message to the sender (written with the closing, or not at all). */
  outbox: Omit<OutboxMessage, 'recipient'> | null;
}

/**
 * A failed attempt, counted on the row in one statement. The last allowed
 * attempt closes it so a message that always fails is not retried forever.
 * Null when the row is gone or already processed.
 */
export async function recordInboundFailure(db: Db, f: InboundFailure): Promise<{ userid: string; gaveUp: boolean } | null> {
  const sql = new Sql();
  const last = `attempts + 1 >= ${sql.param(f.maxAttempts)}`;
  sql.with('upd', `UPDATE bot_inbound SET attempts = attempts + 1, last_error = ${sql.param(f.error.slice(0, 2000))},
              processed_at = CASE WHEN ${last} THEN ${sql.param(f.now)}::timestamptz END,
              replies = CASE WHEN ${last} THEN ${sql.param(JSON.stringify(f.replies))}::jsonb ELSE replies END
        WHERE dedupe_key = ${sql.param(f.dedupeKey)} AND processed_at IS NULL
       RETURNING userid, processed_at IS NOT NULL AS gave_up`);
  if (f.outbox) {
    enqueueMessagesCte(sql, 'out', [{ ...f.outbox, recipient: f.userid }], { onlyIf: 'EXISTS (SELECT 1 FROM upd WHERE upd.gave_up)' });
  }
  const { rows: [r] } = await db.query(sql.prepared('SELECT userid, gave_up FROM upd'));
  return r ? { userid: r.userid, gaveUp: r.gave_up } : null;
}

/** Unprocessed rows received before `before` (their first handler died, failed or never heard), oldest first. */
export async function listStaleInbound(
  db: Db, before: Date, limit = 50,
): Promise<Array<{ dedupeKey: string; transport: InboundTransport; userid: string; message: BotMessage }>> {
  const { rows } = await db.query(
    `SELECT dedupe_key, transport, userid, message FROM bot_inbound WHERE processed_at IS NULL AND received_at < $1 ORDER BY received_at LIMIT $2`,
    [before, limit],
  );
  return rows.map((r) => ({ dedupeKey: r.dedupe_key, transport: r.transport, userid: r.userid, message: r.message }));
}

/**
 * The replies of a message once handled, polling the row (the console's wait
 * for a bot in another process); null when `timeoutMs` passes first.
 */
export async function awaitReplies(db: Db, dedupeKey: string, timeoutMs: number): Promise<BotReply[] | null> {
  const end = Date.now() + timeoutMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const { rows: [r] } = await db.query('SELECT processed_at, replies FROM bot_inbound WHERE dedupe_key = $1', [dedupeKey]);
    if (r?.processed_at) return (r.replies as BotReply[] | null) ?? [];
    if (Date.now() + wait > end) return null;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * A message answered without the bot's engine (a 智能机器人 group mention, whose answer never
 * depends on who asked): recorded already processed, with its replies, under the same dedupe key —
 * a retried callback finds it and gets the same answer. True when new.
 */
export async function recordAnswered(db: Db, m: NewInbound & { replies: BotReply[] }): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO bot_inbound (dedupe_key, transport, userid, message, received_at, processed_at, replies)
     VALUES ($1,$2,$3,$4,$5,$5,$6) ON CONFLICT (dedupe_key) DO NOTHING`,
    [m.dedupeKey, m.transport, m.userid, JSON.stringify(m.message), m.now, JSON.stringify(m.replies)],
  );
  return r.rowCount === 1;
}
