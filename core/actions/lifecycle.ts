/**
 * Every status change of an action goes through `applyTransition`: core/flow
 * decides (transitionAction), this persists the new status with a version
 * bump and stamps, then hands the effects to effects.ts — all in the caller's
 * transaction, on a row the caller locked.
 *
 *   const a = await lockActionOrThrow(db, actor, id);
 *   const next = await applyTransition(db, { action: a, event: { type: 'START' }, actorId: actor.id, now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { transitionAction, type ActionEvent } from '../flow/action-machine.js';
import { assertVersion, loadActionRow, type ActionRow } from './action-repo.js';
import { closeSupervisorTodos, runEffects } from './effects.js';

export interface TransitionRequest {
  action: ActionRow;
  event: ActionEvent;
  actorId: number | null;
  now: Date;
  publicUrl: string;
  expectedVersion?: number;
  /** Columns set with the status, e.g. { completionMode: 'phone_only', completionNote }. */
  completion?: { mode: 'evidence' | 'phone_only'; note?: string | null };
  eventData?: Record<string, unknown>;
}

const STAMP: Partial<Record<ActionEvent['type'], string>> = {
  SUBMIT_OK: 'submitted_at', VERIFY: 'verified_at', ARCHIVE: 'archived_at',
};

export async function applyTransition(db: Db, req: TransitionRequest): Promise<ActionRow> {
  const a = req.action;
  assertVersion(a, req.expectedVersion);
  const r = transitionAction(
    { id: String(a.id), status: a.status, assigneeId: String(a.assigneeId), assignerId: a.assignerId ? String(a.assignerId) : undefined, dueAt: a.dueAt },
    req.event, req.now,
  );
  if (!r.ok) throw new AppError(r.code, { actionId: a.id, status: a.status, event: req.event.type }, r.message);
  const stamp = STAMP[req.event.type];
  // an autosaved draft is not a transition worth a version or an event
  const quiet = req.event.type === 'SAVE_DRAFT' && r.next === a.status;
  if (quiet) return a;
  await db.query(
    `UPDATE actions SET status = $2, version = version + 1, updated_at = $3
       ${stamp ? `, ${stamp} = $3` : ''}
       ${req.completion ? ', completion_mode = $4, completion_note = $5' : ''}
     WHERE id = $1`,
    [a.id, r.next, req.now, ...(req.completion ? [req.completion.mode, req.completion.note ?? null] : [])],
  );
  const next = await loadActionRow(db, a.id);
  await runEffects(db, r.effects, {
    action: next, actorId: req.actorId, now: req.now, publicUrl: req.publicUrl,
    eventData: { version: next.version, ...req.eventData }, dedupeSuffix: `v${next.version}`,
  });
  return next;
}

/** The rep's own work (start, drafts, submissions) is the assignee's alone. */
export function assertAssignee(actor: Actor, a: ActionRow): void {
  if (actor.id !== a.assigneeId) {
    throw new AppError('FORBIDDEN', { actionId: a.id, reason: 'only the assignee may do this' }, '只有负责人本人可以办理该事项');
  }
}

/** Verifying, rejecting and archiving are a supervisor's: someone who may assign, other than the assignee. */
export function assertSupervisor(actor: Actor, a: ActionRow): void {
  if (!can(actor, 'actions', 'assign')) throw new AppError('FORBIDDEN', { resource: 'actions', verb: 'assign' });
  if (actor.id === a.assigneeId && actor.role !== 'director') {
    throw new AppError('FORBIDDEN', { actionId: a.id, reason: 'no self-verification' }, '不能核验自己负责的事项');
  }
}

export interface LifecycleDeps { now: Date; publicUrl: string }

export async function startAction(db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, expectedVersion?: number): Promise<ActionRow> {
  assertAssignee(actor, a);
  return applyTransition(db, { action: a, event: { type: 'START' }, actorId: actor.id, ...d, expectedVersion });
}

export async function verifyAction(
  db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, input: { comment?: string; expectedVersion?: number },
): Promise<ActionRow> {
  assertSupervisor(actor, a);
  const next = await applyTransition(db, {
    action: a, event: { type: 'VERIFY', by: String(actor.id), comment: input.comment }, actorId: actor.id, ...d,
    expectedVersion: input.expectedVersion, eventData: input.comment ? { comment: input.comment } : undefined,
  });
  await closeSupervisorTodos(db, a.id, ['verify_submission', 'submission_rejected'], d.now);
  return next;
}

export async function rejectActionByManager(
  db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, input: { reason: string; expectedVersion?: number },
): Promise<ActionRow> {
  assertSupervisor(actor, a);
  const next = await applyTransition(db, {
    action: a, event: { type: 'REJECT_BY_MANAGER', by: String(actor.id), reason: input.reason }, actorId: actor.id, ...d,
    expectedVersion: input.expectedVersion,
  });
  await closeSupervisorTodos(db, a.id, ['verify_submission'], d.now);
  return next;
}

export async function archiveAction(db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, expectedVersion?: number): Promise<ActionRow> {
  assertSupervisor(actor, a);
  return applyTransition(db, { action: a, event: { type: 'ARCHIVE' }, actorId: actor.id, ...d, expectedVersion });
}
