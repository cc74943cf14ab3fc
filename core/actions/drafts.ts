/**
 * `action_drafts`: one draft per action, what the rep has of the report so
 * far (the H5 page's autosave, the bot's slots, a rejected attempt's input).
 *
 *   upsertDraftCte(st, actionId, payload, userId, now); // a part of a larger statement
 */
import type { Sql } from '../db/sql.js';

/** Saves (replaces) the action's draft, as the CTE `draft` of `st`. */
export function upsertDraftCte(st: Sql, actionId: number, payload: Record<string, unknown>, userId: number, now: Date): void {
  st.with('draft', `INSERT INTO action_drafts (action_id, payload, updated_by, updated_at)
    VALUES (${st.param(actionId)}, ${st.param(JSON.stringify(payload))}, ${st.param(userId)}, ${st.param(now)})
    ON CONFLICT (action_id) DO UPDATE SET payload = EXCLUDED.payload, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`);
}
