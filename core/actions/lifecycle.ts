/**
 * Every status change of an action goes through `applyTransition`: core/flow
 * decides (transitionAction); this writes the new status with a version bump
 * and stamps, the event-log rows, the submission that caused it, what the
 * effects send (to-dos, outbox rows) and whatever else the caller adds — ONE
 * statement, in the caller's transaction, on a row the caller locked (so the
 * joined names it carries are still current, and the new row is known before
 * it is written).
 *
 *   const a = await lockActionOrThrow(db, actor, id);
 *   const next = await applyTransition(db, { action: a, event: { type: 'START' }, actorId: actor.id, now, publicUrl });
 *   const { action, submissionId } = await fileTransition(db, { …, submission: { kind: 'visit_report', … } });
 */
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import { translatePgError, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { transitionAction, type ActionEvent } from '../flow/action-machine.js';
import { ACTION_RETURNING, assertVersion, loadActionRow, toActionRow, type ActionRow } from './action-repo.js';
import { closeSupervisorTodos, effectWritesCte, eventRow, partitionEffects, planEffects, writeEffects } from './effects.js';
import { insertSubmissionCte, SUBMISSION_ID, type SubmissionWrite } from './submissions.js';

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
  /** The attempt that causes the transition, filed with it; its id joins the events' data. */
  submission?: SubmissionWrite;
  /** More parts of the same statement, given the row as it will be (SUBMISSION_ID names the submission's id). */
  also?: (st: Sql, next: ActionRow) => void;
}

/** What a transition stamps with its time. */
const STAMP: Partial<Record<ActionEvent['type'], 'submittedAt' | 'verifiedAt' | 'archivedAt'>> = {
  SUBMIT_OK: 'submittedAt', VERIFY: 'verifiedAt', ARCHIVE: 'archivedAt',
};
/** What a transition takes back: a reopened action is neither verified nor completed any more (the event log keeps both). */
const CLEARS: Partial<Record<ActionEvent['type'], Array<'verifiedAt' | 'completionMode' | 'completionNote'>>> = {
  REOPEN: ['verifiedAt', 'completionMode', 'completionNote'],
};
/** The columns a transition may set, by ActionRow field. */
const COLUMN: Partial<Record<keyof ActionRow, string>> = {
  status: 'status', updatedAt: 'updated_at', submittedAt: 'submitted_at', verifiedAt: 'verified_at', archivedAt: 'archived_at',
  completionMode: 'completion_mode', completionNote: 'completion_note', dueAt: 'due_at', assigneeId: 'assignee_id', departmentId: 'department_id',
};

/** The fields of a row mapped from the actions table alone (the joined ones come out undefined). */
const ownColumns = (r: ActionRow): Partial<ActionRow> =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Partial<ActionRow>;

export async function applyTransition(db: Db, req: TransitionRequest): Promise<ActionRow> {
  return (await fileTransition(db, req)).action;
}

export async function fileTransition(db: Db, req: TransitionRequest): Promise<{ action: ActionRow; submissionId: number | null }> {
  const a = req.action;
  assertVersion(a, req.expectedVersion);
  const r = transitionAction(
    { id: String(a.id), status: a.status, assigneeId: String(a.assigneeId), assignerId: a.assignerId ? String(a.assignerId) : undefined, dueAt: a.dueAt },
    req.event, req.now,
  );
  if (!r.ok) throw new AppError(r.code, { actionId: a.id, status: a.status, event: req.event.type }, r.message);
  // an autosaved draft is not a transition worth a version or an event
  if (req.event.type === 'SAVE_DRAFT' && r.next === a.status && !req.submission) return { action: a, submissionId: null };

  const changes: Partial<ActionRow> = { status: r.next, updatedAt: req.now };
  const stamp = STAMP[req.event.type];
  if (stamp) changes[stamp] = req.now;
  for (const field of CLEARS[req.event.type] ?? []) changes[field] = null;
  if (req.completion) Object.assign(changes, { completionMode: req.completion.mode, completionNote: req.completion.note ?? null });
  if (req.dueAt) changes.dueAt = req.dueAt;
  if (req.reassignTo) Object.assign(changes, { assigneeId: req.reassignTo.userId, departmentId: req.reassignTo.departmentId });
  const predicted: ActionRow = { ...a, ...changes, version: a.version + 1 };
  // the joined names (and recipients) still hold unless the action moves to another person
  const moved = changes.assigneeId !== undefined && changes.assigneeId !== a.assigneeId;
  const [logs, others] = partitionEffects(r.effects);
  const effectContext = { action: predicted, now: req.now, publicUrl: req.publicUrl, dedupeSuffix: `v${predicted.version}` };
  const writes = moved ? null : await planEffects(db, others, effectContext);

  const st = new Sql();
  const id = st.param(a.id);
  const sets = Object.entries(changes).map(([field, value]) => `${COLUMN[field as keyof ActionRow]} = ${st.param(value)}`);
  // the version read: under a row lock it cannot have moved; without one (an optimistic
  // writer) a concurrent change makes the whole statement fail, below
  st.with('u', `UPDATE actions SET ${sets.join(', ')}, version = version + 1 WHERE id = ${id} AND version = ${st.param(a.version)}
    RETURNING ${ACTION_RETURNING}`);
  if (req.submission) insertSubmissionCte(st, req.submission);
  const withSubmission = req.submission ? ` || jsonb_build_object('submissionId', ${SUBMISSION_ID})` : '';
  st.with('e', `INSERT INTO events (actor_id, entity_type, entity_id, type, data, at)
    SELECT ${st.param(req.actorId)}, 'action', ${id}, x.type, x.data || jsonb_build_object('version', u.version)${withSubmission}, x.at
      FROM jsonb_to_recordset(${st.param(JSON.stringify(logs.map((e) => eventRow(e, req.eventData))))}::jsonb)
           AS x(type text, data jsonb, at timestamptz), u`);
  if (writes) effectWritesCte(st, writes, 'fx');
  req.also?.(st, predicted);
  const conflict = { actionId: a.id, expectedVersion: a.version };
  const { rows: [u] } = await db.query(st.prepared(
    `SELECT ${ACTION_RETURNING}, ${req.submission ? SUBMISSION_ID : 'NULL::bigint'} AS submission_id
       FROM (SELECT af_conflict_unless(EXISTS (SELECT 1 FROM u), ${st.param(JSON.stringify(conflict))})) guard LEFT JOIN u ON true`,
  )).catch((err) => {
    const e = translatePgError(err);
    throw e instanceof AppError && e.code === 'CONFLICT' ? new AppError('CONFLICT', conflict) : e;
  });

  const next: ActionRow = moved ? await loadActionRow(db, a.id) : { ...a, ...ownColumns(toActionRow(u)) };
  if (moved) await writeEffects(db, await planEffects(db, others, { ...effectContext, action: next }));
  return { action: next, submissionId: u.submission_id };
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
