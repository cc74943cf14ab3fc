/**
 * Every status change of an action goes through `applyTransition`: core/flow
 * decides (transitionAction), this persists the new status with a version
 * bump, stamps and the event-log rows in one statement, then hands the other
 * effects to effects.ts — all in the caller's transaction, on a row the
 * caller locked (so the joined names it carries are still current).
 *
 *   const a = await lockActionOrThrow(db, actor, id);
 *   const next = await applyTransition(db, { action: a, event: { type: 'START' }, actorId: actor.id, now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { transitionAction, type ActionEvent } from '../flow/action-machine.js';
import { assertVersion, loadActionRow, toActionRow, type ActionRow } from './action-repo.js';
import { closeSupervisorTodos, eventRow, partitionEffects, runEffects } from './effects.js';

export interface TransitionRequest {
  action: ActionRow;
  event: ActionEvent;
  actorId: number | null;
  now: Date;
  publicUrl: string;
  expectedVersion?: number;
  /** Columns set with the status, e.g. { completionMode: 'phone_only', completionNote }. */
  completion?: { mode: 'evidence' | 'phone_only'; note?: string | null };
  /** A new deadline set with the status (a reopen). */
  dueAt?: Date;
  /** The new assignee and the department the row follows (a reassign). */
  reassignTo?: { userId: number; departmentId: number | null };
  eventData?: Record<string, unknown>;
}

const STAMP: Partial<Record<ActionEvent['type'], string>> = {
  SUBMIT_OK: 'submitted_at', VERIFY: 'verified_at', ARCHIVE: 'archived_at',
};
/** What a transition takes back: a reopened action is neither verified nor completed any more (the event log keeps both). */
const CLEARS: Partial<Record<ActionEvent['type'], string[]>> = {
  REOPEN: ['verified_at', 'completion_mode', 'completion_note'],
};

/** The fields of a row mapped from the actions table alone (the joined ones come out undefined). */
const ownColumns = (r: ActionRow): Partial<ActionRow> =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Partial<ActionRow>;

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
  const [logs, others] = partitionEffects(r.effects);
  // the update and its event rows in one statement; the events carry the version it set
  const params: unknown[] = [a.id, r.next, req.now, req.actorId, JSON.stringify(logs.map((e) => eventRow(e, req.eventData)))];
  const sets = ['status = $2', 'version = version + 1', 'updated_at = $3', ...(stamp ? [`${stamp} = $3`] : []),
    ...(CLEARS[req.event.type] ?? []).map((col) => `${col} = NULL`)];
  const set = (col: string, value: unknown) => { params.push(value); sets.push(`${col} = $${params.length}`); };
  if (req.completion) { set('completion_mode', req.completion.mode); set('completion_note', req.completion.note ?? null); }
  if (req.dueAt) set('due_at', req.dueAt);
  if (req.reassignTo) { set('assignee_id', req.reassignTo.userId); set('department_id', req.reassignTo.departmentId); }
  const { rows: [u] } = await db.query(
    `WITH u AS (UPDATE actions SET ${sets.join(', ')} WHERE id = $1 RETURNING *),
     e AS (
       INSERT INTO events (actor_id, entity_type, entity_id, type, data, at)
       SELECT $4, 'action', $1, x.type, x.data || jsonb_build_object('version', u.version), x.at
         FROM jsonb_to_recordset($5::jsonb) AS x(type text, data jsonb, at timestamptz), u)
     SELECT * FROM u`,
    params,
  );
  // the joined names still hold unless the action moved to another person, customer or definition
  const moved = u.assignee_id !== a.assigneeId || u.customer_id !== a.customerId || u.definition_id !== a.definitionId;
  const next: ActionRow = moved ? await loadActionRow(db, a.id) : { ...a, ...ownColumns(toActionRow(u)) };
  await runEffects(db, others, {
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
