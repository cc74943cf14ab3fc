/**
 * `submissions`: every attempt at an action's report, accepted or not, with
 * the rule version it was checked against and the facts a dry-run replays.
 * It is filed by the transition it causes, in the same statement
 * (lifecycle.ts fileTransition), and only if that transition is written.
 */
import type { Sql } from '../db/sql.js';
import type { RuleFailure } from '../flow/types.js';
import type { StoredDefinition } from './definitions.js';

export interface SubmissionWrite {
  kind: 'visit_report' | 'phone_only';
  payload: unknown;
  outcome: 'accepted' | 'rejected';
  failures: readonly RuleFailure[];
  definition: Pick<StoredDefinition, 'id' | 'version'>;
  by: number;
  now: Date;
  /** An accepted report replaces the draft it came from. */
  clearDraft?: boolean;
}

/** The filed submission's id, in the statement's later parts. */
export const SUBMISSION_ID = '(SELECT id FROM sub)';

/** CTE `sub` (and `sub_draft`); needs the transition's `u`, so nothing is filed when the update is not. */
export function insertSubmissionCte(st: Sql, s: SubmissionWrite): void {
  if (s.clearDraft) st.with('sub_draft', `DELETE FROM action_drafts WHERE action_id = (SELECT id FROM u)`);
  st.with('sub', `INSERT INTO submissions (action_id, kind, payload, outcome, failures, definition_id, definition_version, submitted_by, created_at)
    SELECT u.id, ${st.param(s.kind)}, ${st.param(JSON.stringify(s.payload))}, ${st.param(s.outcome)}, ${st.param(JSON.stringify(s.failures))},
           ${st.param(s.definition.id)}, ${st.param(s.definition.version)}, ${st.param(s.by)}, ${st.param(s.now)}
      FROM u
    RETURNING id`);
}
