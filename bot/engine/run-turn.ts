/**
 * One turn of the conversation engine: one message from one member whose
 * conversation the inbox (bot/engine/inbox.ts, the bot's one way in) claimed
 * and locked, the replies to send back. Everything the next message needs is
 * in the database, so an answer an hour later, or after a restart, continues
 * where it left off.
 *
 *   const replies = await runTurn(tx, deps, actor, conversation, { kind: 'text', text: '下周三下午再约' });
 */
import type pg from 'pg';
import type { Actor } from '../../core/auth/actor.js';
import type { Conversation } from '../../core/inbound/inbound-repo.js';
import { truncateBytes } from '../../core/wecom/callback-reply.js';
import type { Prepared } from './media.js';
import { choicesFor } from './choices.js';
import { routeMessage } from './route.js';
import { offerWaitingPhotos } from './unfiled-photos.js';
import { storedPending, storedState, type ConversationState, type PendingQuestion } from './state.js';
import type { Turn } from './turn.js';
import type { BotDeps, BotMessage, BotReply } from './types.js';

/** WeCom caps a text message at 2048 bytes; replies are cut into chunks below it, at line breaks. */
const REPLY_MAX_BYTES = 2000;

export function toReplies(lines: readonly string[]): BotReply[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines.map((l) => truncateBytes(l, REPLY_MAX_BYTES))) {
    const next = current ? `${current}\n${line}` : line;
    if (Buffer.byteLength(next, 'utf8') > REPLY_MAX_BYTES) {
      chunks.push(current);
      current = line;
    } else current = next;
  }
  if (current) chunks.push(current);
  return chunks.map((text) => ({ kind: 'text', text }));
}

/**
 * The turn itself, for a member and a conversation the caller loaded and
 * locked (the inbox does both with the claim, in one round trip); `convo` is
 * changed in place and the caller saves it.
 */
export async function runTurn(
  tx: pg.PoolClient, deps: BotDeps, actor: Actor, convo: Conversation<ConversationState, PendingQuestion>, message: BotMessage,
  o: { prepared?: Prepared; settingsStamp?: string } = {},
): Promise<BotReply[]> {
  convo.state = storedState(convo.state);
  convo.pendingQuestion = storedPending(convo.pendingQuestion);
  const t: Turn = { db: tx, deps, actor, now: deps.now(), convo, lines: [], ...(o.settingsStamp ? { settingsStamp: o.settingsStamp } : {}) };
  await routeMessage(t, message, o.prepared);
  await offerWaitingPhotos(t);
  const replies = toReplies(t.lines);
  const choices = choicesFor(convo.pendingQuestion, convo.state);
  if (choices && replies.length > 0) replies[replies.length - 1].choices = choices;
  return replies;
}
