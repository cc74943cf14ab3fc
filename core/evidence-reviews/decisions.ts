/**
 * A supervisor's decision on a submission's evidence, and a rep's appeal.
 * Deciding moves what counts: the follow-up the report recorded becomes
 * effective when its evidence is accepted and stops being so when rejected —
 * the dashboards' rollups follow through their triggers on followups — and the
 * customer's last effective follow-up is re-read from what still counts. The
 * rep hears of the decision in WeCom. A decision may be changed later.
 *
 *   await decideEvidenceReview(tx, manager, submissionId, { decision: 'reject', comment: '照片是上周的' }, { now, publicUrl });
 *   await appealFinding(tx, rep, submissionId, { code: 'PHOTO_REUSED', target: 'attachments:门头照', text: '同一门店每周拍' }, now);
 */
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { FINDING_LABELS, type FindingCode } from '../flow/evidence/findings.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import { recordEvent } from '../resources/events.js';
import type { AppealBody, DecideEvidenceBody, EvidenceReviewView } from './schemas.js';
import { countsAsEvidence, loadReviewRow, toReviewView } from './reviews.js';

function assertReviewer(actor: Actor, r: any): void {
  if (!can(actor, 'actions', 'assign')) throw new AppError('FORBIDDEN', { resource: 'evidence_reviews', verb: 'decide' });
  if (Number(r.user_id) === actor.id) {
    throw new AppError('FORBIDDEN', { submissionId: r.submission_id, reason: 'own submission' }, '不能复核自己提交的证据');
  }
}

/** Re-reads the customer's last effective follow-up from the ones that still count. */
async function moveFollowUp(db: Db, r: any, counts: boolean, reason: string): Promise<void> {
  if (!r.followup_id) return;
  const { rows: [f] } = await db.query(
    `UPDATE followups SET effective = $2, unmet = CASE WHEN $2 THEN '{}'::text[] ELSE ARRAY['EVIDENCE_REJECTED'] END,
            reasons = jsonb_build_array($3::text)
      WHERE id = $1 RETURNING customer_id`, [r.followup_id, counts, reason]);
  await db.query(
    `UPDATE customers c SET last_effective_followup_at = (SELECT max(f.at) FROM followups f WHERE f.customer_id = c.id AND f.effective),
            updated_at = now()
      WHERE c.id = $1`, [f.customer_id]);
}

export interface ReviewDeps { now: Date; publicUrl: string }

export async function decideEvidenceReview(
  db: Db, actor: Actor, submissionId: number, body: DecideEvidenceBody, d: ReviewDeps,
): Promise<EvidenceReviewView> {
  const r = await loadReviewRow(db, actor, submissionId, true);
  assertReviewer(actor, r);
  const { rows: [s] } = await db.query('SELECT outcome FROM submissions WHERE id = $1', [submissionId]);
  // a refused attempt went back to the rep; there is nothing filed to accept
  if (s.outcome !== 'accepted') throw new AppError('EVIDENCE_REVIEW_NOT_FOUND', { submissionId, outcome: s.outcome });
  if (body.expectedVersion !== undefined && body.expectedVersion !== r.version) {
    throw new AppError('CONFLICT', { submissionId, expectedVersion: body.expectedVersion, currentVersion: r.version });
  }
  const status = body.decision === 'accept' ? 'accepted' : 'rejected';
  const comment = body.comment ?? null;
  const { rows: [next] } = await db.query(
    `UPDATE evidence_reviews SET status = $2, decided_by = $3, decided_at = $4, comment = $5, version = version + 1
      WHERE submission_id = $1 RETURNING *`, [submissionId, status, actor.id, d.now, comment]);
  const counts = countsAsEvidence(next.verdict, status);
  await moveFollowUp(db, r, counts, counts
    ? `主管${actor.name}复核证据后认可，计为有效跟进${comment ? `：${comment}` : '。'}`
    : `主管${actor.name}复核证据后判定不可信，不计为有效跟进：${comment}`);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'action', entityId: Number(r.action_id), type: 'evidence.reviewed', at: d.now,
    data: { submissionId, decision: body.decision, comment, score: r.score, previousStatus: r.status },
  });
  await notifyRep(db, r, { status, comment, reviewer: actor.name, version: next.version }, d);
  return toReviewView({ ...next, decided_by_name: actor.name });
}

async function notifyRep(db: Db, r: any, x: { status: string; comment: string | null; reviewer: string; version: number }, d: ReviewDeps): Promise<void> {
  const { rows: [u] } = await db.query('SELECT wecom_userid FROM users WHERE id = $1', [r.user_id]);
  if (!u?.wecom_userid) return;
  const ok = x.status === 'accepted';
  const what = `「${r.customer_name}」${r.action_title}`;
  const description = ok
    ? `${x.reviewer}认可了${what}的现场证据，已计为有效跟进。${x.comment ? `\n说明：${x.comment}` : ''}`
    : `${x.reviewer}判定${what}的现场证据不可信，不计为有效跟进。\n原因：${x.comment}\n如有异议，可在应用里对每条问题提交说明。`;
  await enqueueMessage(db, {
    dedupeKey: `evidence:${r.submission_id}:v${x.version}`, recipient: u.wecom_userid,
    ...textCard(ok ? '拜访证据复核通过' : '拜访证据复核未通过', description, `${d.publicUrl}/actions/${r.action_id}`),
  });
}

/** The rep explains a finding; a rejected review goes back to the queue with the explanation. */
export async function appealFinding(db: Db, actor: Actor, submissionId: number, body: AppealBody, now: Date): Promise<EvidenceReviewView> {
  const r = await loadReviewRow(db, actor, submissionId, true);
  if (Number(r.user_id) !== actor.id) {
    throw new AppError('FORBIDDEN', { submissionId, reason: 'not the submitter' }, '只有提交人本人可以对复核问题提交说明');
  }
  if (!(r.findings as any[]).some((f) => f.code === body.code && f.target === body.target)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.code', message: `本次提交没有「${FINDING_LABELS[body.code as FindingCode]}」这条问题` }]);
  }
  const appeal = { code: body.code, target: body.target, text: body.text, at: now.toISOString() };
  const { rows: [next] } = await db.query(
    `UPDATE evidence_reviews SET appeals = appeals || $2::jsonb, version = version + 1,
            status = CASE WHEN status = 'rejected' THEN 'pending' ELSE status END
      WHERE submission_id = $1 RETURNING *`, [submissionId, JSON.stringify([appeal])]);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'action', entityId: Number(r.action_id), type: 'evidence.appealed', at: now,
    data: { submissionId, code: body.code, target: body.target },
  });
  return toReviewView({ ...next, decided_by_name: r.decided_by_name });
}
