/**
 * The conversation engine's entry point: one message from one member, the
 * replies to send back. The member's conversation row is locked for the
 * message, so their messages are handled one after another wherever they
 * arrive; everything the next message needs is in the database, so an
 * answer an hour later, or after a restart, continues where it left off.
 *
 *   const replies = await handleMessage(deps, { userid: 'rep.zhao', message: { kind: 'text', text: '下周三下午再约' } });
 */
import type pg from 'pg';
import { loadActiveActor, type Actor } from '../../core/auth/actor.js';
import { lockConversation, saveConversation, type Conversation } from '../../core/inbound/conversation-repo.js';
import { withTransaction } from '../../core/db/pool.js';
import { truncateBytes } from '../../core/wecom/callback-reply.js';
import { unknownMember } from '../replies/templates.js';
import { prepareMedia, type PreparedMedia } from './media.js';
import { routeMessage } from './route.js';
import { storedPending, storedState, type ConversationState, type PendingQuestion } from './state.js';
import type { Turn } from './turn.js';
import type { BotDeps, BotInput, BotMessage, BotReply } from './types.js';

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

/** Handles the message in its own transaction (media is fetched first, outside it). */
export async function handleMessage(deps: BotDeps, input: BotInput): Promise<BotReply[]> {
  const prepared = await prepareMedia(deps, input.message);
  return withTransaction(deps.pool, (tx) => handleMessageIn(tx, deps, input, prepared));
}

/** Handles the message inside the caller's transaction: loads the member, locks their conversation, saves it after. */
export async function handleMessageIn(tx: pg.PoolClient, deps: BotDeps, input: BotInput, prepared?: PreparedMedia): Promise<BotReply[]> {
  const actor = await loadActiveActor(tx, { wecomUserid: input.userid });
  if (!actor) return toReplies([unknownMember()]);
  const convo = await lockConversation<ConversationState, PendingQuestion>(tx, actor.id);
  const replies = await runTurn(tx, deps, actor, convo, input.message, prepared);
  await saveConversation(tx, convo, deps.now());
  return replies;
}

/**
 * The turn itself, for a member and a conversation the caller loaded and
 * locked (the inbox does both with the claim, in one round trip); `convo` is
 * changed in place and the caller saves it.
 */
export async function runTurn(
  tx: pg.PoolClient, deps: BotDeps, actor: Actor, convo: Conversation<ConversationState, PendingQuestion>, message: BotMessage, prepared?: PreparedMedia,
): Promise<BotReply[]> {
  convo.state = storedState(convo.state);
  convo.pendingQuestion = storedPending(convo.pendingQuestion);
  const t: Turn = { db: tx, deps, actor, now: deps.now(), convo, lines: [] };
  await routeMessage(t, message, prepared);
  return toReplies(t.lines);
}
