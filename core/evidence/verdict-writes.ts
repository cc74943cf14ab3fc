/**
 * Filing a submission's trust verdict with the submission itself, as parts of
 * the same statement (core/actions/visit-report.ts composes it): the
 * evidence_reviews row — 'pending' in the supervisor's queue when an accepted
 * report is not trusted, 'none' when there is nothing to review — and the
 * check-in, which later reports' plausibility checks read as history.
 *
 *   verdictWritesCte(st, { submissionId, verdict, outcome: 'accepted', … });
 */
import type { Sql } from '../db/sql.js';
import type { TrustVerdict } from '../flow/evidence/verdict.js';

/** What a submission files about its evidence. */
export interface SubmissionEvidence {
  verdict: TrustVerdict;
  checkIn?: { lat: number; lng: number; coordSystem: string; at: string | Date; accuracy?: number | null };
}

export interface VerdictWrite extends SubmissionEvidence {
  /** The submission filed by the same statement (its CTE \`u\` is the action's update). */
  submissionId: number;
  /** SQL naming the follow-up the same statement records, when it records one. */
  followupId?: string;
  outcome: 'accepted' | 'rejected';
  action: { id: number; departmentId: number | null; customerId: number };
  userId: number;
  now: Date;
}

/** 'pending' only for an accepted report that is not trusted: a refused one goes back to the rep, not to review. */
export function reviewStatusOf(outcome: VerdictWrite['outcome'], verdict: TrustVerdict): 'none' | 'pending' {
  return outcome === 'accepted' && verdict.verdict !== 'trusted' ? 'pending' : 'none';
}

/** CTEs ev_review and (with a check-in) ev_checkin, written only if the transition's update (\`u\`) is. */
export function verdictWritesCte(st: Sql, w: VerdictWrite): void {
  const sub = `${st.param(w.submissionId)}::bigint`;
  const [action, user, customer, now] = [w.action.id, w.userId, w.action.customerId, w.now].map((v) => st.param(v));
  st.with('ev_review', `INSERT INTO evidence_reviews (submission_id, action_id, user_id, department_id, customer_id, followup_id,
                                                       score, verdict, findings, status, created_at)
    SELECT ${sub}, ${action}, ${user}, ${st.param(w.action.departmentId)}, ${customer}, ${w.followupId ?? 'NULL::bigint'},
           ${st.param(w.verdict.score)}, ${st.param(w.verdict.verdict)}, ${st.param(JSON.stringify(w.verdict.findings))},
           ${st.param(reviewStatusOf(w.outcome, w.verdict))}, ${now}
      FROM u`);
  const c = w.checkIn;
  if (!c) return;
  st.with('ev_checkin', `INSERT INTO checkins (submission_id, action_id, user_id, customer_id, at, lat, lng, coord_system, accuracy, received_at)
    SELECT ${sub}, ${action}, ${user}, ${customer}, ${st.param(new Date(c.at))}, ${st.param(c.lat)}, ${st.param(c.lng)},
           ${st.param(c.coordSystem)}, ${st.param(c.accuracy ?? null)}, ${now}
      FROM u`);
}
