/**
 * `action_drafts`: one draft per action, what the rep has of the report so
 * far (the H5 page's autosave, the bot's slots, a rejected attempt's input).
 *
 *   upsertDraftCte(st, actionId, payload, userId, now); // a part of a larger statement
 *   const draft = storedDraft(row.payload);              // every read of the table
 */
import type { Sql } from '../db/sql.js';
import type { VisitDraftInput } from './action-schemas.js';

/** Saves (replaces) the action's draft, as the CTE `draft` of `st`; a changed draft is no longer scheduled to be filed. */
export function upsertDraftCte(st: Sql, actionId: number, payload: Record<string, unknown>, userId: number, now: Date): void {
  st.with('draft', `INSERT INTO action_drafts (action_id, payload, updated_by, updated_at)
    VALUES (${st.param(actionId)}, ${st.param(JSON.stringify(payload))}, ${st.param(userId)}, ${st.param(now)})
    ON CONFLICT (action_id) DO UPDATE SET payload = EXCLUDED.payload, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at,
      submit_at = NULL, submit_by = NULL, submit_notes = '[]'`);
}

const ID_LISTS = ['attachmentIds', 'linkedOrderIds'] as const;

/**
 * A stored draft as the report schema types it. Drafts written before ids
 * were numbers end to end may hold them as strings ("12"): they still load.
 */
export function storedDraft(payload: unknown): VisitDraftInput | null {
  if (payload === null || payload === undefined || typeof payload !== 'object') return null;
  const draft = { ...(payload as Record<string, unknown>) };
  for (const key of ID_LISTS) {
    const ids = draft[key];
    if (Array.isArray(ids)) draft[key] = ids.map((id) => (typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id));
  }
  return draft as VisitDraftInput;
}
