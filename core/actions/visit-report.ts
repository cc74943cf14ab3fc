/**
 * Drafts and submissions of an action's report. A submission reads the action
 * with the report's facts, evaluates every rule (core/flow), and records the
 * attempt either way with one writeTransition, guarded by the version it read
 * (two devices: the second's write fails whole → 409). What an attempt causes
 * (a rejected one keeps the draft and notes the supervisor's to-do; an
 * accepted one is an effective follow-up) is the state machine's to say. A
 * rejected attempt is answered 422 AFTER its bookkeeping is written: the
 * service returns the rejection instead of throwing.
 *
 *   const r = await submitVisitReport(db, actor, id, body, { now, publicUrl });
 *   if (!r.ok) return new HandlerResponse(422, r.error);
 */
import type { Actor } from '../auth/actor.js';
import { isPool, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { trustVerdict, type TrustVerdict } from '../flow/evidence/verdict.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import type { RuleFailure, VisitFacts } from '../flow/types.js';
import { findStoredResponse, storedKeyJoin, storedResponse, type IdempotencyRequest } from '../resources/idempotency.js';
import { assertVersion, lockActionOrThrow, readActionWith, toActionView, type ActionRow } from './action-repo.js';
import type { ActionView, VisitDraftInput, VisitReportInput } from './action-schemas.js';
import { loadDefinitionForAction, rulesForAction, type StoredDefinition } from './definitions.js';
import { upsertDraftCte } from './drafts.js';
import { assertAssignee, type LifecycleDeps } from './lifecycle.js';
import { assertUnlocked } from './state-lock.js';
import { factsColumns, PREREQUISITES_OF_ROW, toVisitFacts, type FactsAttachments } from './visit-facts.js';
import { NEXT_SUBMISSION_ID, writeTransition } from './write-transition.js';

/** `evidence`: the trust verdict (core/flow/evidence/verdict.ts); anything short of trusted goes to the supervisor's review queue. */
type AcceptedBody = { action: ActionView; submissionId: number; warnings: RuleFailure[]; evidence: TrustVerdict };
export type SubmissionResult =
  | { ok: true; body: AcceptedBody; replayed?: boolean }
  | { ok: false; error: { error: { code: 'VISIT_REPORT_REJECTED'; message: string; details: Record<string, unknown> } } };

function draftPayload(input: VisitDraftInput): Record<string, unknown> {
  const { expectedVersion: _ignored, ...rest } = input;
  return rest;
}

/**
 * Saves (replaces) the draft; the first save moves a dispatched action to in
 * progress. `target`: the action's id, or its row as the caller's transaction
 * locked it (the bot reads it at the start of a turn). `action` is the row after.
 */
export async function saveVisitDraft(
  db: Db, actor: Actor, target: number | ActionRow, input: VisitDraftInput, d: LifecycleDeps,
): Promise<{ actionId: number; payload: Record<string, unknown>; updatedAt: string; action: ActionRow }> {
  const a = typeof target === 'number' ? await lockActionOrThrow(db, actor, target) : target;
  assertAssignee(actor, a);
  await assertOwnAttachments(db, actor.id, input.attachmentIds ?? []);
  const next = await writeTransition(db, { action: a, event: { type: 'SAVE_DRAFT' }, actorId: actor.id, ...d, expectedVersion: input.expectedVersion });
  const payload = draftPayload(input);
  const st = new Sql();
  upsertDraftCte(st, a.id, payload, actor.id, d.now);
  await db.query(st.prepared('SELECT 1'));
  return { actionId: a.id, payload, updatedAt: d.now.toISOString(), action: next };
}

/**
 * A draft may name only files its author uploaded: another rep's attachment id
 * is refused when saved (422 ATTACHMENT_INVALID naming it), in the app and in
 * the bot alike, not only at submission.
 */
async function assertOwnAttachments(db: Db, userId: number, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const { rows } = await db.query('SELECT id FROM attachments WHERE id = ANY($1::bigint[]) AND uploaded_by = $2', [ids, userId]);
  const own = new Set(rows.map((r: { id: number }) => r.id));
  const others = ids.filter((id) => !own.has(id));
  if (others.length > 0) throw new AppError('ATTACHMENT_INVALID', { attachmentIds: others });
}

/** The facts a later dry-run needs to replay this attempt against another rule version. */
function submissionPayload(input: VisitReportInput, facts: VisitFacts, a: ActionRow): Record<string, unknown> {
  return {
    ...draftPayload(input),
    attachments: facts.report.attachments.map((x) => ({ id: x.id, kind: x.kind, tags: x.tags, capturedAt: x.capturedAt?.toISOString() ?? null })),
    requirements: a.requirements,
    facts: {
      now: facts.now.toISOString(), customer: facts.customer, recentOrderIds: facts.recentOrderIds,
      satisfiedPrerequisites: facts.satisfiedPrerequisites, keywordLibraries: facts.keywordLibraries,
      // the check-in history as it stood, for replaying the plausibility check (attachments' facts stay beside them)
      evidence: facts.evidence,
    },
  };
}

/**
 * With the pool (the API) there is no transaction: one read (the action, its
 * facts and a stored Idempotency-Key response), the rules, and one write that
 * also stores the response, guarded by the version read — a concurrent change
 * makes it fail whole (409), and a concurrent retry of the same key then
 * replays what the first stored. Within a caller's transaction (the bot) the
 * row is locked by the read instead.
 */
export async function submitVisitReport(
  db: Db, actor: Actor, id: number, input: VisitReportInput, d: LifecycleDeps, idempotency?: IdempotencyRequest | null,
): Promise<SubmissionResult> {
  const files = { ids: input.attachmentIds, uploadedBy: actor.id };
  const { action: a, row } = await readForSubmission(db, actor, id, files, input, idempotency ?? null);
  const stored = idempotency ? storedResponse(row.idem_key, idempotency) : null;
  if (stored) return { ok: true, body: stored.body as AcceptedBody, replayed: true };
  assertAssignee(actor, a);
  assertVersion(a, input.expectedVersion);
  const def = await loadDefinitionForAction(db, a);
  const facts = toVisitFacts(row, input, files, d.now, a.id);
  await assertUnlocked(db, def, { actionId: a.id, customerId: a.customerId, opportunityId: a.opportunityId }, d.now, facts.satisfiedPrerequisites);
  const rules = rulesForAction(def, a.requirements);
  const { ok, failures } = evaluateRules(facts, rules);
  const payload = submissionPayload(input, facts, a);
  const attempt = { id: Number(row.next_submission_id), payload, failures, verdict: trustVerdict(failures, facts.evidence.thresholds), checkIn: input.checkIn };
  try {
    return ok
      ? await accept(db, actor, a, def, { ...attempt, facts, idempotency: idempotency ?? null }, d)
      : await reject(db, actor, a, def, { ...attempt, input }, d);
  } catch (err) {
    // a retry racing the first attempt of its key lost to it: answer what the first stored
    const replay = idempotency && err instanceof AppError && err.code === 'CONFLICT' ? await findStoredResponse(db, idempotency) : null;
    if (replay) return { ok: true, body: replay.body as AcceptedBody, replayed: true };
    throw err;
  }
}

/** The action (locked when in a transaction), the report's facts and the key's stored response, in one query. */
function readForSubmission(
  db: Db, actor: Actor, id: number, files: FactsAttachments, input: VisitReportInput, idempotency: IdempotencyRequest | null,
): Promise<{ action: ActionRow; row: any }> {
  return readActionWith(db, actor, id, {
    lock: !isPool(db),
    extra: (st) => {
      const key = idempotency ? storedKeyJoin(st, idempotency) : null;
      return {
        columns: `${factsColumns(st, files, PREREQUISITES_OF_ROW('pc.codes'), input, 'a.id')}, ${NEXT_SUBMISSION_ID}${key ? `, ${key.columns}` : ''}`,
        joins: `LEFT JOIN LATERAL (SELECT array_agg(q->>'definitionCode') AS codes FROM action_definitions x, jsonb_array_elements(x.rules) q
                                    WHERE x.id = rd.id AND q->>'kind' = 'prerequisite.verified') pc ON true
                ${key ? key.join : ''}`,
      };
    },
  });
}

interface Attempt {
  id: number;
  payload: unknown;
  failures: RuleFailure[];
  verdict: TrustVerdict;
  checkIn?: VisitReportInput['checkIn'];
}

/** The verdict as the submission files it: with the check-in later reports' plausibility checks read as history. */
const evidenceOf = (s: Attempt) => ({ verdict: s.verdict, checkIn: s.checkIn });

/** What the 跟进 record says of a verdict short of trusted. */
function trustOf(v: TrustVerdict): { verdict: TrustVerdict['verdict']; score: number; reasons: string[] } {
  return { verdict: v.verdict, score: v.score, reasons: [...new Set(v.findings.map((f) => f.message))].slice(0, 3) };
}

async function accept(
  db: Db, actor: Actor, a: ActionRow, def: StoredDefinition, s: Attempt & { facts: VisitFacts; idempotency: IdempotencyRequest | null },
  d: LifecycleDeps,
): Promise<SubmissionResult> {
  const body = (next: ActionRow): AcceptedBody => ({ action: toActionView(next, d.now), submissionId: s.id, warnings: s.failures, evidence: s.verdict });
  const next = await writeTransition(db, {
    action: a, actorId: actor.id, ...d, eventData: { warnings: s.failures.map((f) => f.code) },
    event: {
      type: 'SUBMIT_OK',
      completion: { mode: 'evidence', definitionName: def.name, attachmentCount: s.facts.report.attachments.length, trust: trustOf(s.verdict) },
    },
    submission: { id: s.id, kind: 'visit_report', payload: s.payload, outcome: 'accepted', failures: s.failures, definition: def, evidence: evidenceOf(s) },
    respond: s.idempotency ? { key: s.idempotency, status: 200, body } : undefined,
  });
  return { ok: true, body: body(next) };
}

async function reject(
  db: Db, actor: Actor, a: ActionRow, def: StoredDefinition, s: Attempt & { input: VisitReportInput }, d: LifecycleDeps,
): Promise<SubmissionResult> {
  const next = await writeTransition(db, {
    action: a, event: { type: 'SUBMIT_REJECTED', failures: s.failures }, actorId: actor.id, ...d,
    submission: {
      id: s.id, kind: 'visit_report', payload: s.payload, outcome: 'rejected', failures: s.failures, definition: def, draft: draftPayload(s.input),
      evidence: evidenceOf(s),
    },
  });
  const errors = s.failures.filter((f) => f.severity === 'error');
  return {
    ok: false,
    error: {
      error: {
        code: 'VISIT_REPORT_REJECTED',
        message: `报告还有${errors.length}项未通过校验，请逐项补充后重新提交（草稿已保存）。`,
        details: { failures: s.failures, evidence: s.verdict, submissionId: s.id, actionId: a.id, actionVersion: next.version, status: next.status },
      },
    },
  };
}

/**
 * "Done by phone only": submitted without evidence, marked phone_only so
 * lists and the manager's to-do say so; it never counts as an effective
 * follow-up (it is recorded as a 伪跟进 candidate for the ratio).
 */
export async function completeByPhone(
  db: Db, actor: Actor, id: number, input: { note: string; expectedVersion?: number }, d: LifecycleDeps,
): Promise<ActionView> {
  const { action: a, row } = await readActionWith(db, actor, id, { lock: true, extra: () => ({ columns: NEXT_SUBMISSION_ID, joins: '' }) });
  assertAssignee(actor, a);
  assertVersion(a, input.expectedVersion);
  const def = await loadDefinitionForAction(db, a);
  await assertUnlocked(db, def, { actionId: a.id, customerId: a.customerId, opportunityId: a.opportunityId }, d.now);
  const next = await writeTransition(db, {
    action: a, event: { type: 'SUBMIT_OK', completion: { mode: 'phone_only', note: input.note } }, actorId: actor.id, ...d,
    submission: {
      id: Number(row.next_submission_id), kind: 'phone_only', payload: { note: input.note, completionMode: 'phone_only' },
      outcome: 'accepted', failures: [], definition: def,
    },
  });
  return toActionView(next, d.now);
}
