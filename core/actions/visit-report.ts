/**
 * Drafts and submissions of an action's report. A submission locks the action
 * row (two devices: the second waits, then finds it submitted → 409), loads
 * the facts once, evaluates every rule (core/flow), and records the attempt
 * either way. A rejected attempt keeps the draft, notes the supervisor's
 * to-do (one per action per day) and is answered 422 AFTER its bookkeeping
 * commits: the service returns the rejection instead of throwing.
 *
 *   const r = await submitVisitReport(db, actor, id, body, { now, publicUrl });
 *   if (!r.ok) return new HandlerResponse(422, r.error);
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import type { RuleFailure, VisitFacts } from '../flow/types.js';
import { assertVersion, lockActionOrThrow, toActionView, type ActionRow } from './action-repo.js';
import type { ActionView, VisitDraftInput, VisitReportInput } from './action-schemas.js';
import { loadDefinitionForAction, rulesForAction, type StoredDefinition } from './definitions.js';
import { addSupervisorTodo } from './effects.js';
import { recordCustomerFollowUp } from './followups.js';
import { applyTransition, assertAssignee, type LifecycleDeps } from './lifecycle.js';
import { assertUnlocked } from './state-lock.js';
import { loadVisitFacts } from './visit-facts.js';

export type SubmissionResult =
  | { ok: true; body: { action: ActionView; submissionId: number; warnings: RuleFailure[] } }
  | { ok: false; error: { error: { code: 'VISIT_REPORT_REJECTED'; message: string; details: Record<string, unknown> } } };

function draftPayload(input: VisitDraftInput): Record<string, unknown> {
  const { expectedVersion: _ignored, ...rest } = input;
  return rest;
}

async function upsertDraft(db: Db, actionId: number, payload: Record<string, unknown>, userId: number, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO action_drafts (action_id, payload, updated_by, updated_at) VALUES ($1,$2,$3,$4)
     ON CONFLICT (action_id) DO UPDATE SET payload = EXCLUDED.payload, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [actionId, JSON.stringify(payload), userId, now],
  );
}

/** Saves (replaces) the draft; the first save moves a dispatched action to in progress. */
export async function saveVisitDraft(
  db: Db, actor: Actor, id: number, input: VisitDraftInput, d: LifecycleDeps,
): Promise<{ actionId: number; payload: Record<string, unknown>; updatedAt: string }> {
  const a = await lockActionOrThrow(db, actor, id);
  assertAssignee(actor, a);
  await applyTransition(db, { action: a, event: { type: 'SAVE_DRAFT' }, actorId: actor.id, ...d, expectedVersion: input.expectedVersion });
  const payload = draftPayload(input);
  await upsertDraft(db, a.id, payload, actor.id, d.now);
  return { actionId: a.id, payload, updatedAt: d.now.toISOString() };
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
    },
  };
}

/** Records the attempt; `clearDraft` also drops the draft (an accepted report replaces it), in the same statement. */
async function insertSubmission(
  db: Db, a: ActionRow, def: StoredDefinition,
  s: { kind: string; payload: unknown; outcome: string; failures: RuleFailure[]; by: number; now: Date; clearDraft?: boolean },
): Promise<number> {
  const { rows } = await db.query(
    `WITH cleared AS (DELETE FROM action_drafts WHERE action_id = $1 AND $10::boolean)
     INSERT INTO submissions (action_id, kind, payload, outcome, failures, definition_id, definition_version, submitted_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [a.id, s.kind, JSON.stringify(s.payload), s.outcome, JSON.stringify(s.failures), def.id, def.version, s.by, s.now, s.clearDraft ?? false],
  );
  return rows[0].id;
}

export async function submitVisitReport(
  db: Db, actor: Actor, id: number, input: VisitReportInput, d: LifecycleDeps,
): Promise<SubmissionResult> {
  const a = await lockActionOrThrow(db, actor, id);
  assertAssignee(actor, a);
  assertVersion(a, input.expectedVersion);
  const def = await loadDefinitionForAction(db, a);
  const scope = { actionId: a.id, customerId: a.customerId, opportunityId: a.opportunityId };
  await assertUnlocked(db, def, scope, d.now);
  const rules = rulesForAction(def, a.requirements);
  const facts = await loadVisitFacts(db, scope, input, { ids: input.attachmentIds, uploadedBy: actor.id }, rules, d.now);
  const { ok, failures } = evaluateRules(facts, rules);
  const payload = submissionPayload(input, facts, a);
  return ok
    ? accept(db, actor, a, def, { payload, failures, facts }, d)
    : reject(db, actor, a, def, { payload, failures, input }, d);
}

async function accept(
  db: Db, actor: Actor, a: ActionRow, def: StoredDefinition,
  s: { payload: unknown; failures: RuleFailure[]; facts: VisitFacts }, d: LifecycleDeps,
): Promise<SubmissionResult> {
  const submissionId = await insertSubmission(db, a, def, {
    kind: 'visit_report', payload: s.payload, outcome: 'accepted', failures: s.failures, by: actor.id, now: d.now, clearDraft: true,
  });
  const next = await applyTransition(db, {
    action: a, event: { type: 'SUBMIT_OK' }, actorId: actor.id, ...d,
    completion: { mode: 'evidence' }, eventData: { submissionId, warnings: s.failures.map((f) => f.code) },
  });
  // a report that passed every rule is, by construction, an effective follow-up
  await recordCustomerFollowUp(db, {
    customerId: a.customerId, actionId: a.id, userId: actor.id, departmentId: a.departmentId, channel: 'visit',
    summary: a.title, payload: { submissionId }, effective: true, hasEvidence: true, at: d.now, unmet: [],
    reasons: [`「${def.name}」报告通过全部校验（${s.facts.report.attachments.length}个附件、现场签到），计为有效跟进。`],
  });
  return { ok: true, body: { action: toActionView(next, d.now), submissionId, warnings: s.failures } };
}

async function reject(
  db: Db, actor: Actor, a: ActionRow, def: StoredDefinition,
  s: { payload: unknown; failures: RuleFailure[]; input: VisitReportInput }, d: LifecycleDeps,
): Promise<SubmissionResult> {
  const submissionId = await insertSubmission(db, a, def, { kind: 'visit_report', payload: s.payload, outcome: 'rejected', failures: s.failures, by: actor.id, now: d.now });
  const next = await applyTransition(db, {
    action: a, event: { type: 'SUBMIT_REJECTED', failures: s.failures }, actorId: actor.id, ...d, eventData: { submissionId },
  });
  // nothing the rep typed is lost: the draft becomes what they just sent
  await upsertDraft(db, a.id, draftPayload(s.input), actor.id, d.now);
  await addSupervisorTodo(db, next, 'submission_rejected', d.now, d.publicUrl, s.failures);
  const errors = s.failures.filter((f) => f.severity === 'error');
  return {
    ok: false,
    error: {
      error: {
        code: 'VISIT_REPORT_REJECTED',
        message: `报告还有${errors.length}项未通过校验，请逐项补充后重新提交（草稿已保存）。`,
        details: { failures: s.failures, submissionId, actionId: a.id, actionVersion: next.version, status: next.status },
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
  const a = await lockActionOrThrow(db, actor, id);
  assertAssignee(actor, a);
  assertVersion(a, input.expectedVersion);
  const def = await loadDefinitionForAction(db, a);
  await assertUnlocked(db, def, { actionId: a.id, customerId: a.customerId, opportunityId: a.opportunityId }, d.now);
  const submissionId = await insertSubmission(db, a, def, {
    kind: 'phone_only', payload: { note: input.note, completionMode: 'phone_only' }, outcome: 'accepted', failures: [], by: actor.id, now: d.now,
  });
  const next = await applyTransition(db, {
    action: a, event: { type: 'SUBMIT_OK' }, actorId: actor.id, ...d,
    completion: { mode: 'phone_only', note: input.note }, eventData: { submissionId, completionMode: 'phone_only', note: input.note },
  });
  await recordCustomerFollowUp(db, {
    customerId: a.customerId, actionId: a.id, userId: actor.id, departmentId: a.departmentId, channel: 'phone',
    summary: input.note, payload: { submissionId, completionMode: 'phone_only' }, effective: false, hasEvidence: false,
    at: d.now, unmet: ['NO_EVIDENCE'], reasons: ['仅电话完成，没有照片、文件或决策链更新等证据，不计为有效跟进。'],
  });
  return toActionView(next, d.now);
}
