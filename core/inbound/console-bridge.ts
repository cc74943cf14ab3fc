/**
 * The H5 chat page's way to the bot (POST /api/bot/console) without the API
 * importing it. When the bot runs in the same process, main.ts hands the API
 * a `ConsoleBot` and a message is recorded, handled and answered in the
 * request's own transaction, as one commit. Otherwise (the API alone, the bot
 * in another process) the message is recorded with a signal and the answer
 * awaited from the inbox row the bot fills in.
 *
 *   const answer = deps.consoleBot ? await deps.consoleBot.talk(tx, env) : await askBotThroughInbox(pool, env, now);
 */
import type pg from 'pg';
import type { Db } from '../db/pool.js';
import { needsMedia, type BotMessage, type BotReply } from './bot-message.js';
import { awaitReplies, findInbound, recordInbound } from './inbound-repo.js';
import { AppError } from '../errors.js';
import { isBotListening, notifyInbound } from './inbound-signal.js';

export interface ConsoleEnvelope {
  /** `console:<userid>:<clientMessageId>`: the same client message is answered once. */
  dedupeKey: string;
  userid: string;
  message: BotMessage;
}

export interface ConsoleAnswer {
  replies: BotReply[];
  /** True when this client message was answered before and the first answer is returned. */
  replayed: boolean;
}

/** The bot, in this process. */
export interface ConsoleBot {
  /** Records and handles the message inside the caller's transaction; a known dedupe key returns the first answer. */
  talk(tx: pg.PoolClient, env: ConsoleEnvelope): Promise<ConsoleAnswer>;
}

/** How long the page waits for a bot in another process before it is told to try again. */
export const CONSOLE_WAIT_MS = 8_000;

/**
 * The message recorded (committed at once, then signalled) and its answer
 * awaited; null when the bot did not answer in time — the message stays
 * recorded and is answered later, so resending the same client message id
 * returns that answer. With no bot part running anywhere it is recorded the
 * same way, but nobody waits: 503 BOT_UNAVAILABLE at once.
 */
export async function askBotThroughInbox(db: Db, env: ConsoleEnvelope, now: Date, timeoutMs = CONSOLE_WAIT_MS): Promise<ConsoleAnswer | null> {
  const fresh = await recordInbound(db, { ...env, transport: 'console', now });
  if (fresh) {
    await notifyInbound(db, [{ transport: 'console', dedupeKey: env.dedupeKey, userid: env.userid, media: needsMedia(env.message) }]);
  } else {
    const row = await findInbound(db, env.dedupeKey);
    if (row?.processedAt) return { replies: (row.replies as BotReply[] | null) ?? [], replayed: true };
  }
  if (!(await isBotListening(db))) throw new AppError('BOT_UNAVAILABLE', { dedupeKey: env.dedupeKey });
  const replies = await awaitReplies(db, env.dedupeKey, timeoutMs);
  return replies === null ? null : { replies, replayed: !fresh };
}

export interface ConsoleExchange {
  at: string;
  message: BotMessage;
  /** Null while the bot has not answered yet. */
  replies: BotReply[] | null;
}

/**
 * The member's last console exchanges, oldest first: what the H5 chat page
 * shows again after a reload. Read from the inbox itself, so the page and
 * the bot never disagree about what was said.
 */
export async function consoleHistory(db: Db, userid: string, limit = 50): Promise<ConsoleExchange[]> {
  const { rows } = await db.query(
    `SELECT received_at, message, replies FROM bot_inbound
      WHERE transport = 'console' AND userid = $1 ORDER BY received_at DESC, dedupe_key DESC LIMIT $2`, [userid, limit]);
  return rows.reverse().map((r) => ({ at: r.received_at.toISOString(), message: r.message, replies: r.replies ?? null }));
}
