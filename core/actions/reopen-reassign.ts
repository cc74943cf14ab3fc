/**
 * A supervisor's corrections to an action: reopening a verified one (the rep
 * must redo it, and is told why) and handing an open one to another rep. Both
 * go through the state machine (core/flow/action-machine.ts REOPEN/REASSIGN)
 * via applyTransition, in the request's transaction, on a locked row.
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
import { EscalationPolicySchema } from '../flow/escalation.js';
import type { NotifyRole } from '../flow/types.js';
import { enqueueMessage, textMessage } from '../outbox/enqueue.js';
import { assertVersion, lockActionOrThrow, toActionView, type ActionRow } from './action-repo.js';
import type { ActionView, ReassignBodyInput, ReopenBodyInput } from './action-schemas.js';
import { loadDefinitionForAction, loadWorkCalendar } from './definitions.js';
import { stepRecipients, writeEscalationSteps } from './escalation-steps.js';
import { applyTransition, type LifecycleDeps } from './lifecycle.js';

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
  const next = await applyTransition(db, {
    action: a, event: { type: 'REOPEN', by: String(actor.id), reason: input.reason }, actorId: actor.id, ...d,
    expectedVersion: input.expectedVersion, dueAt: dueAt ?? undefined,
    eventData: dueAt ? { dueAt: dueAt.toISOString(), previousDueAt: a.dueAt?.toISOString() ?? null } : undefined,
  });
  if (dueAt) await rescheduleEscalation(db, next, dueAt);
  return toActionView(next, d.now);
}

/**
 * A new deadline moves the escalation steps not yet sent; the ones already
 * sent stay as they were (their recipients were told, and the plan's step
 * numbers are unique per action).
 */
async function rescheduleEscalation(db: Db, a: ActionRow, dueAt: Date): Promise<void> {
  await db.query('DELETE FROM action_escalation_steps WHERE action_id = $1 AND done_at IS NULL', [a.id]);
  const policy = a.escalation ? EscalationPolicySchema.parse(a.escalation) : (await loadDefinitionForAction(db, a)).escalation;
  await writeEscalationSteps(db, a, policy, dueAt, await loadWorkCalendar(db));
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
  assertReassignable(a, input.toUserId, d.now);
  const to = await resolveReassignTarget(db, actor, input.toUserId);
  if (to.id === a.assigneeId) throw new AppError('ACTION_REASSIGN_SAME_ASSIGNEE', { actionId: a.id, toUserId: to.id });
  const reason = input.reason || undefined;
  const next = await applyTransition(db, {
    action: a, event: { type: 'REASSIGN', toUserId: String(to.id), by: String(actor.id) }, actorId: actor.id, ...d,
    expectedVersion: input.expectedVersion, reassignTo: { userId: to.id, departmentId: to.departmentId },
    eventData: {
      fromUserId: a.assigneeId, fromUserName: a.assigneeName, toUserId: to.id, toUserName: to.name,
      ...(reason ? { reason } : {}),
    },
  });
  await readdressEscalationSteps(db, next);
  await tellPreviousAssignee(db, a, next, actor, reason);
  return toActionView(next, d.now);
}

/** The machine's verdict before anything is written, so a closed action answers 409 whatever the target. */
function assertReassignable(a: ActionRow, toUserId: number, now: Date): void {
  const r = transitionAction({ id: String(a.id), status: a.status, assigneeId: String(a.assigneeId) },
    { type: 'REASSIGN', toUserId: String(toUserId) }, now);
  if (!r.ok) throw new AppError(r.code, { actionId: a.id, status: a.status, event: 'REASSIGN' }, r.message);
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

/**
 * Escalation steps not yet sent were addressed relative to the old assignee
 * (their manager, and the assignee themself); address them to the new one's.
 */
async function readdressEscalationSteps(db: Db, a: ActionRow): Promise<void> {
  const { rows } = await db.query(
    'SELECT step, notify, cc FROM action_escalation_steps WHERE action_id = $1 AND done_at IS NULL ORDER BY step', [a.id]);
  for (const s of rows as Array<{ step: number; notify: NotifyRole[]; cc: NotifyRole[] }>) {
    const recipients = await stepRecipients(db, a, s.notify, s.cc);
    await db.query('UPDATE action_escalation_steps SET recipients = $3 WHERE action_id = $1 AND step = $2',
      [a.id, s.step, JSON.stringify(recipients)]);
  }
}

/** Plain text, not a card: the old assignee can no longer open the action. */
async function tellPreviousAssignee(db: Db, before: ActionRow, after: ActionRow, actor: Actor, reason?: string): Promise<void> {
  const { rows } = await db.query('SELECT wecom_userid FROM users WHERE id = $1 AND active', [before.assigneeId]);
  if (!rows[0]) return;
  const why = reason ? `\n原因：${reason}` : '';
  await enqueueMessage(db, {
    dedupeKey: `action:${before.id}:reassigned_away:${before.assigneeId}:v${after.version}`,
    recipient: rows[0].wecom_userid,
    ...textMessage(`「${before.title}」（客户：${before.customerName}）已由${actor.name}转派给${after.assigneeName}，你无需继续办理。${why}`),
  });
}
