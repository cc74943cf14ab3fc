/**
 * Reading trust verdicts: the one on an action's latest submission (getAction's
 * `evidence`), the supervisors' queue — suspicious first — and one review with
 * everything a manager needs to judge it: the files, the earlier files a reuse
 * finding names, and the rep's check-ins that day.
 *
 *   const page = await listEvidenceReviews(db, manager, { status: 'pending', limit: 20, order: 'asc' });
 *   const r = await getEvidenceReview(db, manager, submissionId);
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { FINDING_LABELS, type FindingCode } from '../flow/evidence/findings.js';
import { shanghaiDate, shanghaiInstant, addCalendarDays } from '../flow/time.js';
import { runList, type Page } from '../resources/pagination.js';
import {
  REVIEW_STATUS_LABELS, VERDICT_LABELS, type EvidenceReviewDetail, type EvidenceReviewItem, type EvidenceReviewView,
  type ListEvidenceReviewsInput,
} from './schemas.js';

export const REVIEW_SELECT = `r.submission_id AS id, r.*, du.name AS decided_by_name`;
const REVIEW_FROM = 'evidence_reviews r LEFT JOIN users du ON du.id = r.decided_by';
const ITEM_SELECT = `${REVIEW_SELECT}, a.title AS action_title, c.name AS customer_name, u.name AS rep_name`;
const ITEM_FROM = `${REVIEW_FROM} JOIN actions a ON a.id = r.action_id JOIN customers c ON c.id = r.customer_id JOIN users u ON u.id = r.user_id`;

/** Trusted, or accepted by a supervisor: what 有效跟进 and the dashboards count. */
export const countsAsEvidence = (verdict: string, status: string): boolean =>
  status === 'accepted' || (verdict === 'trusted' && status !== 'rejected');

export function toReviewView(r: any): EvidenceReviewView {
  return {
    submissionId: Number(r.submission_id), score: r.score, verdict: r.verdict,
    verdictLabel: VERDICT_LABELS[r.verdict as keyof typeof VERDICT_LABELS],
    findings: (r.findings as any[]).map((f) => ({ ...f, label: FINDING_LABELS[f.code as FindingCode] ?? f.code })),
    status: r.status, statusLabel: REVIEW_STATUS_LABELS[r.status as keyof typeof REVIEW_STATUS_LABELS],
    counts: countsAsEvidence(r.verdict, r.status),
    decidedBy: r.decided_by ? { id: Number(r.decided_by), name: r.decided_by_name } : null,
    decidedAt: r.decided_at?.toISOString() ?? null, comment: r.comment, appeals: r.appeals, version: r.version,
    createdAt: r.created_at.toISOString(),
  };
}

function toItem(r: any): EvidenceReviewItem {
  return {
    ...toReviewView(r),
    action: { id: Number(r.action_id), title: r.action_title },
    customer: { id: Number(r.customer_id), name: r.customer_name },
    rep: { id: Number(r.user_id), name: r.rep_name },
  };
}

/** The verdict of an action's latest submission, for getAction (the action's own scope was checked by the caller). */
export async function evidenceOfLatestSubmission(db: Db, actionId: number): Promise<EvidenceReviewView | null> {
  const { rows } = await db.query(
    `SELECT ${REVIEW_SELECT} FROM ${REVIEW_FROM} WHERE r.action_id = $1 ORDER BY r.submission_id DESC LIMIT 1`, [actionId]);
  return rows[0] ? toReviewView(rows[0]) : null;
}

const reviewScope = (actor: Actor, sql: Sql) => scopeSql(actor, { ownerCol: 'r.user_id', deptCol: 'r.department_id' }, sql);

/** The queue: pending reviews (or decided ones) in the caller's scope, lowest score first. */
export async function listEvidenceReviews(db: Db, actor: Actor, q: ListEvidenceReviewsInput): Promise<Page<EvidenceReviewItem>> {
  assertCan(actor, 'actions', 'read');
  const sql = new Sql();
  const where = [reviewScope(actor, sql)];
  where.push(q.status === 'pending' ? `r.status = 'pending'` : q.status === 'decided' ? `r.status IN ('accepted','rejected')` : `r.status <> 'none'`);
  if (q.day) where.push(`r.created_at >= ${sql.param(shanghaiInstant(q.day))} AND r.created_at < ${sql.param(shanghaiInstant(addCalendarDays(q.day, 1)))}`);
  if (q.userId) where.push(`r.user_id = ${sql.param(q.userId)}`);
  return runList(db, { select: ITEM_SELECT, from: ITEM_FROM, where, sql, sortExpr: 'r.score', idExpr: 'r.submission_id', page: q }, toItem);
}

/** One review in the caller's scope, as a row; 404 otherwise (its existence is not revealed). */
export async function loadReviewRow(db: Db, actor: Actor, submissionId: number, lock = false): Promise<any> {
  assertCan(actor, 'actions', 'read');
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(
    `SELECT ${ITEM_SELECT} FROM ${ITEM_FROM} WHERE r.submission_id = ${sql.param(submissionId)} AND ${reviewScope(actor, sql)}${lock ? ' FOR UPDATE OF r' : ''}`));
  if (!rows[0]) throw new AppError('EVIDENCE_REVIEW_NOT_FOUND', { submissionId });
  return rows[0];
}

const fileUrl = (submissionId: number, attachmentId: number) => `/api/evidence-reviews/${submissionId}/files/${attachmentId}`;

/** Attachment ids the findings name as earlier files. */
export function earlierIdsOf(findings: any[]): number[] {
  return [...new Set(findings.map((f) => Number(f.details?.earlier?.attachmentId)).filter((n) => Number.isSafeInteger(n) && n > 0))];
}

export async function getEvidenceReview(db: Db, actor: Actor, submissionId: number): Promise<EvidenceReviewDetail> {
  const r = await loadReviewRow(db, actor, submissionId);
  const { rows: [s] } = await db.query('SELECT payload FROM submissions WHERE id = $1', [submissionId]);
  const ids: number[] = (s.payload.attachmentIds ?? []).map(Number);
  const earlier = earlierIdsOf(r.findings);
  const { rows: files } = await db.query(
    `SELECT x.id, x.kind, x.tags, x.captured_at, x.created_at, x.uploaded_by, u.name AS user_name, cu.id AS customer_id, cu.name AS customer_name
       FROM attachments x JOIN users u ON u.id = x.uploaded_by
       LEFT JOIN actions a ON a.id = x.action_id LEFT JOIN customers cu ON cu.id = coalesce(x.customer_id, a.customer_id)
      WHERE x.id = ANY($1::bigint[])`, [[...ids, ...earlier]]);
  const file = (f: any) => ({
    attachmentId: Number(f.id), tags: f.tags, kind: f.kind, capturedAt: f.captured_at?.toISOString() ?? null,
    uploadedAt: f.created_at.toISOString(), url: fileUrl(submissionId, Number(f.id)),
  });
  const byId = new Map(files.map((f) => [Number(f.id), f]));
  const day = shanghaiDate(s.payload.checkIn?.at ? new Date(s.payload.checkIn.at) : r.created_at);
  return {
    ...toItem(r),
    files: ids.filter((id) => byId.has(id)).map((id) => file(byId.get(id))),
    earlierFiles: earlier.filter((id) => byId.has(id)).map((id) => {
      const f = byId.get(id);
      return { ...file(f), rep: { id: Number(f.uploaded_by), name: f.user_name }, customer: f.customer_id ? { id: Number(f.customer_id), name: f.customer_name } : null };
    }),
    day,
    checkIns: await checkInsOfDay(db, Number(r.user_id), day, submissionId),
  };
}

async function checkInsOfDay(db: Db, userId: number, day: string, submissionId: number): Promise<EvidenceReviewDetail['checkIns']> {
  const { rows } = await db.query(
    `SELECT k.*, c.name AS customer_name, c.lat AS c_lat, c.lng AS c_lng, c.coord_system AS c_system
       FROM checkins k JOIN customers c ON c.id = k.customer_id
      WHERE k.user_id = $1 AND k.at >= $2 AND k.at < $3 ORDER BY k.at, k.id`,
    [userId, shanghaiInstant(day), shanghaiInstant(addCalendarDays(day, 1))]);
  return rows.map((k) => ({
    at: k.at.toISOString(), lat: k.lat, lng: k.lng, coordSystem: k.coord_system, accuracy: k.accuracy, actionId: Number(k.action_id),
    customer: { id: Number(k.customer_id), name: k.customer_name, lat: k.c_lat, lng: k.c_lng, coordSystem: k.c_system },
    current: Number(k.submission_id) === submissionId,
  }));
}

/**
 * The bytes a review may show: the submission's own files and the earlier
 * files its findings name — the latter possibly another department's, which
 * the manager could not open otherwise. Anything else is a 404.
 */
export async function reviewFileOrThrow(db: Db, actor: Actor, submissionId: number, attachmentId: number): Promise<{ sha256: string; mime: string }> {
  const r = await loadReviewRow(db, actor, submissionId);
  const { rows: [s] } = await db.query('SELECT payload FROM submissions WHERE id = $1', [submissionId]);
  const allowed = new Set([...(s.payload.attachmentIds ?? []).map(Number), ...earlierIdsOf(r.findings)]);
  if (!allowed.has(attachmentId)) throw new AppError('ATTACHMENT_NOT_FOUND', { id: attachmentId });
  const { rows: [x] } = await db.query('SELECT sha256, mime FROM attachments WHERE id = $1', [attachmentId]);
  if (!x) throw new AppError('ATTACHMENT_NOT_FOUND', { id: attachmentId });
  return { sha256: x.sha256, mime: x.mime };
}
