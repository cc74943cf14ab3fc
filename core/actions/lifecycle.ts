/**
 * The supervisor's and the rep's simple moves on an action (start, verify,
 * reject, archive) and who may make them; each is one writeTransition
 * (core/actions/write-transition.ts), in the caller's transaction, on a
 * row the caller locked.
 *
 *   const a = await lockActionOrThrow(db, actor, id);
 *   const next = await verifyAction(db, actor, a, { now, publicUrl }, { comment: '照片清楚' });
 */
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { ActionRow } from './action-repo.js';
import { writeTransition } from './write-transition.js';

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
  return writeTransition(db, { action: a, event: { type: 'START' }, actorId: actor.id, ...d, expectedVersion });
}

export async function verifyAction(
  db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, input: { comment?: string; expectedVersion?: number },
): Promise<ActionRow> {
  assertSupervisor(actor, a);
  return writeTransition(db, {
    action: a, event: { type: 'VERIFY', by: actor.id, comment: input.comment }, actorId: actor.id, ...d, expectedVersion: input.expectedVersion,
  });
}

export async function rejectActionByManager(
  db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, input: { reason: string; expectedVersion?: number },
): Promise<ActionRow> {
  assertSupervisor(actor, a);
  return writeTransition(db, {
    action: a, event: { type: 'REJECT_BY_MANAGER', by: actor.id, reason: input.reason }, actorId: actor.id, ...d, expectedVersion: input.expectedVersion,
  });
}

export async function archiveAction(db: Db, actor: Actor, a: ActionRow, d: LifecycleDeps, expectedVersion?: number): Promise<ActionRow> {
  assertSupervisor(actor, a);
  return writeTransition(db, { action: a, event: { type: 'ARCHIVE' }, actorId: actor.id, ...d, expectedVersion });
}
