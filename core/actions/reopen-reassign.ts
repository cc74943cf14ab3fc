/**
 * A supervisor's corrections to an action: reopening a verified one (the rep
 * must redo it, and is told why) and handing an open one to another rep. Both
 * go through the state machine (core/flow/action-machine.ts REOPEN/REASSIGN),
 * which also decides who is told and what happens to the escalation plan, and
 * are written by writeTransition, in the request's transaction, on a locked row.
 *
 *   await reopenAction(db, actor, id, { reason: '照片不清晰，请补拍' }, { now, publicUrl });
 *   await reassignAction(db, actor, id, { toUserId: qian, reason: '赵磊休假' }, { now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { transitionAction } from '../flow/action-machine.js';
import { assertVersion, lockActionOrThrow, toActionView, type ActionRow } from './action-repo.js';
import type { ActionView, ReassignBodyInput, ReopenBodyInput } from './action-schemas.js';
import type { LifecycleDeps } from './lifecycle.js';
import { writeTransition } from './write-transition.js';

/** verified → in_progress; the assignee gets the reason. Managers in scope and the director only. */
export async function reopenAction(
  db: Db, actor: Actor, id: number, input: ReopenBodyInput, d: LifecycleDeps,
): Promise<ActionView> {
  assertCan(actor, 'actions', 'assign');
  const dueAt = input.dueAt ? new Date(input.dueAt) : null;
  if (dueAt && dueAt.getTime() <= d.now.getTime()) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.dueAt', message: '新的截止时间必须晚于现在' }]);
  }
  const a = await lockActionOrThrow(db, actor, id);
  const next = await writeTransition(db, {
    action: a, event: { type: 'REOPEN', by: actor.id, reason: input.reason, ...(dueAt ? { dueAt } : {}) }, actorId: actor.id, ...d,
    expectedVersion: input.expectedVersion,
  });
  return toActionView(next, d.now);
}

interface Target { id: number; name: string; departmentId: number | null }

/**
 * Gives an open action to another active rep of the caller's scope. The status
 * is kept; the row's department follows the new assignee (manager scopes read
 * it); pending escalation steps are re-addressed; open supervisor to-dos stay
 * on the action. The new assignee gets the action, the old one a note.
 */
export async function reassignAction(
  db: Db, actor: Actor, id: number, input: ReassignBodyInput, d: LifecycleDeps,
): Promise<ActionView> {
  assertCan(actor, 'actions', 'assign');
  const a = await lockActionOrThrow(db, actor, id);
  assertVersion(a, input.expectedVersion);
  assertReassignable(a, actor, input.toUserId, d.now);
  const to = await resolveReassignTarget(db, actor, input.toUserId);
  if (to.id === a.assigneeId) throw new AppError('ACTION_REASSIGN_SAME_ASSIGNEE', { actionId: a.id, toUserId: to.id });
  const next = await writeTransition(db, {
    action: a, actorId: actor.id, ...d, expectedVersion: input.expectedVersion,
    event: { type: 'REASSIGN', to: { userId: to.id, departmentId: to.departmentId }, by: actor.id, byName: actor.name, reason: input.reason || undefined },
    eventData: { fromUserName: a.assigneeName, toUserName: to.name },
  });
  return toActionView(next, d.now);
}

/** The machine's verdict before anything is written, so a closed action answers 409 whatever the target. */
function assertReassignable(a: ActionRow, actor: Actor, toUserId: number, now: Date): void {
  const r = transitionAction({ id: a.id, status: a.status, assigneeId: a.assigneeId },
    { type: 'REASSIGN', to: { userId: toUserId, departmentId: null }, by: actor.id, byName: actor.name }, now);
  if (!r.ok) throw new AppError(r.code, { actionId: a.id, status: a.status, currentVersion: a.version, event: 'REASSIGN' }, r.message);
}

/** 404 unless the user exists within the caller's scope (as for records); 422 unless an active rep. */
async function resolveReassignTarget(db: Db, actor: Actor, userId: number): Promise<Target> {
  const { rows } = await db.query(
    `SELECT u.id, u.name, u.role, u.active, u.department_id, d.path FROM users u
       LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = $1`,
    [userId],
  );
  const u = rows[0];
  const inScope = u && (actor.role === 'director' || isPathInSubtree(u.path, actor.departmentPath));
  if (!inScope) throw new AppError('USER_NOT_FOUND', { userId }, '转派对象不存在或不在你的管理范围内');
  if (!u.active) throw new AppError('ACTION_REASSIGN_TARGET_INACTIVE', { userId, name: u.name }, `${u.name}已停用，不能接收事项`);
  if (u.role !== 'rep') throw new AppError('ACTION_REASSIGN_TARGET_NOT_REP', { userId, name: u.name, role: u.role });
  return { id: u.id, name: u.name, departmentId: u.department_id };
}
