/**
 * bot_conversations: one row per member, locked for the length of one
 * message so a member's messages are handled strictly one after another.
 * State and the pending question are opaque JSON here; bot/engine/state.ts
 * gives them their shape.
 *
 *   const c = await lockConversation<State, Pending>(tx, actor.id);
 *   c.activeActionId = 12; await saveConversation(tx, c);
 */
import type { Db } from '../db/pool.js';

export interface Conversation<S, P> {
  userId: number;
  state: S;
  activeActionId: number | null;
  pendingQuestion: P | null;
  updatedAt: Date;
  version: number;
}

/** The member's conversation, created empty on first contact, locked until the transaction ends. */
export async function lockConversation<S, P>(db: Db, userId: number): Promise<Conversation<S, P>> {
  // one round trip: the no-op update takes the row lock, and creates the row on first contact
  const { rows: [r] } = await db.query(
    `INSERT INTO bot_conversations (user_id) VALUES ($1)
     ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
     RETURNING user_id, state, active_action_id, pending_question, updated_at, version`,
    [userId],
  );
  return {
    userId: r.user_id, state: r.state as S, activeActionId: r.active_action_id, pendingQuestion: r.pending_question as P | null,
    updatedAt: r.updated_at, version: r.version,
  };
}

export async function saveConversation<S, P>(db: Db, c: Conversation<S, P>, now: Date): Promise<void> {
  await db.query(
    `UPDATE bot_conversations SET state = $2, active_action_id = $3, pending_question = $4, updated_at = $5, version = version + 1
      WHERE user_id = $1`,
    [c.userId, JSON.stringify(c.state), c.activeActionId, c.pendingQuestion === null ? null : JSON.stringify(c.pendingQuestion), now],
  );
}

/** Read-only, for tests and the H5 page: where a member's conversation stands. */
export async function readConversation<S, P>(db: Db, userId: number): Promise<Conversation<S, P> | null> {
  const { rows: [r] } = await db.query(
    'SELECT user_id, state, active_action_id, pending_question, updated_at, version FROM bot_conversations WHERE user_id = $1', [userId]);
  return r ? {
    userId: r.user_id, state: r.state as S, activeActionId: r.active_action_id, pendingQuestion: r.pending_question as P | null,
    updatedAt: r.updated_at, version: r.version,
  } : null;
}
