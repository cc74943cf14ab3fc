/**
 * Every status change of an action is written here, by `writeTransition`:
 * core/flow/action-machine.ts decides the next status, the columns set with
 * it and everything the change causes (effects, as data); this file writes
 * all of it as ONE statement, in the caller's transaction, on a row the
 * caller read (locked, or guarded by the version read: a concurrent change
 * makes the statement fail whole, 409):
 *
 *   u          UPDATE actions: status, stamps, version + 1
 *   sub        INSERT submissions: the attempt that caused the change (its id was allocated by the read)
 *   e          INSERT events: the event log
 *   draft      the rep's draft kept (a rejected attempt) or cleared (an accepted report)
 *   todo       the supervisor's to-do (one per action, task and Shanghai day) — or todo_done: closed
 *   fu…        the 跟进 record (core/actions/followups.ts recordFollowUpCte)
 *   ev_…       the submission's trust verdict and check-in (core/evidence/verdict-writes.ts)
 *   out        the notices and to-do cards (core/outbox enqueueMessagesCte)
 *   idem       the Idempotency-Key's stored response
 *
 * Who the notices go to is read before the statement (core/actions/effects.ts
 * planEffects). What needs reads of its own after the change (the escalation
 * plan moved to a new deadline or a new assignee's people) follows it.
 *
 *   const a = await lockActionOrThrow(db, actor, id);
 *   const next = await writeTransition(db, { action: a, event: { type: 'START' }, actorId: actor.id, now, publicUrl });
 */
import { translatePgError, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { transitionAction, type ActionChanges, type ActionEvent, type Effect } from '../flow/action-machine.js';
import type { RuleFailure } from '../flow/types.js';
import { enqueueMessagesCte } from '../outbox/enqueue.js';
import { storeResponseCte, type IdempotencyRequest } from '../resources/idempotency.js';
import { ACTION_RETURNING, assertVersion, loadActionRow, toActionRow, type ActionRow } from './action-repo.js';
import type { StoredDefinition } from './definitions.js';
import { upsertDraftCte } from './drafts.js';
import { EVENT_TYPES, moveEscalationPlan, planEffects, type EffectWrites } from './effects.js';
import { recordFollowUpCte } from './followups.js';
import { verdictWritesCte, type SubmissionEvidence } from '../evidence/verdict-writes.js';

/** An attempt at the action's report, filed with the transition it causes (and only if that is written). */
export interface SubmissionWrite {
  /** Allocated by the read before (NEXT_SUBMISSION_ID), so the response and the log can name it. */
  id: number;
  kind: 'visit_report' | 'phone_only';
  payload: unknown;
  outcome: 'accepted' | 'rejected';
  failures: readonly RuleFailure[];
  definition: Pick<StoredDefinition, 'id' | 'version'>;
  /** What the rep sent, as a draft: kept as the draft when the attempt is rejected. */
  draft?: Record<string, unknown>;
  /** Its trust verdict and check-in, filed with it (core/evidence/verdict-writes.ts). */
  evidence?: SubmissionEvidence;
}

/** A column of the action's read that allocates the id of the submission it may file. */
export const NEXT_SUBMISSION_ID = `nextval('submissions_id_seq') AS next_submission_id`;

export interface TransitionRequest {
  action: ActionRow;
  event: ActionEvent;
  actorId: number | null;
  now: Date;
  publicUrl: string;
  expectedVersion?: number;
  /** What only the caller knows for the log (names, warning codes, overdue days). */
  eventData?: Record<string, unknown>;
  submission?: SubmissionWrite;
  /** The request's Idempotency-Key response, stored by the same statement; `body` is given the row as it will be. */
  respond?: { key: IdempotencyRequest; status: number; body: (next: ActionRow) => unknown };
}

/** The columns a transition may set, by ActionRow field. */
const COLUMN: Record<keyof ActionChanges | 'status' | 'updatedAt', string> = {
  status: 'status', updatedAt: 'updated_at', submittedAt: 'submitted_at', verifiedAt: 'verified_at', archivedAt: 'archived_at',
  completionMode: 'completion_mode', completionNote: 'completion_note', dueAt: 'due_at', assigneeId: 'assignee_id', departmentId: 'department_id',
};

/** The fields of a row mapped from the actions table alone (the joined ones come out undefined). */
const ownColumns = (r: ActionRow): Partial<ActionRow> =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Partial<ActionRow>;

type EventLog = Extract<Effect, { kind: 'event_log' }>;

export async function writeTransition(db: Db, req: TransitionRequest): Promise<ActionRow> {
  const a = req.action;
  assertVersion(a, req.expectedVersion);
  const r = transitionAction({ id: a.id, status: a.status, assigneeId: a.assigneeId, dueAt: a.dueAt }, req.event, req.now);
  if (!r.ok) throw new AppError(r.code, { actionId: a.id, status: a.status, currentVersion: a.version, event: req.event.type }, r.message);
  // an autosaved draft is not a transition worth a version or an event
  if (req.event.type === 'SAVE_DRAFT' && r.next === a.status) return a;

  const changes = { status: r.next, updatedAt: req.now, ...r.changes };
  const predicted: ActionRow = { ...a, ...changes, version: a.version + 1 };
  // the joined names (and recipients) still hold unless the action moves to another person
  const moved = r.changes.assigneeId !== undefined && r.changes.assigneeId !== a.assigneeId;
  const logs = r.effects.filter((e): e is EventLog => e.kind === 'event_log');
  const effects = r.effects.filter((e) => e.kind !== 'event_log');
  const planFor = (action: ActionRow) => planEffects(db, effects, { action, now: req.now, publicUrl: req.publicUrl, dedupeSuffix: `v${action.version}` });
  const writes = moved ? null : await planFor(predicted);

  const st = new Sql();
  const id = st.param(a.id);
  const sets = Object.entries(changes).map(([field, value]) => `${COLUMN[field as keyof typeof COLUMN]} = ${st.param(value)}`);
  // the version read: under a row lock it cannot have moved; without one (an optimistic
  // writer) a concurrent change makes the whole statement fail, below
  st.with('u', `UPDATE actions SET ${sets.join(', ')}, version = version + 1 WHERE id = ${id} AND version = ${st.param(a.version)}
    RETURNING ${ACTION_RETURNING}`);
  const s = req.submission;
  if (s) {
    st.with('sub', `INSERT INTO submissions (id, action_id, kind, payload, outcome, failures, definition_id, definition_version, submitted_by, created_at)
      SELECT ${st.param(s.id)}, u.id, ${st.param(s.kind)}, ${st.param(JSON.stringify(s.payload))}, ${st.param(s.outcome)},
             ${st.param(JSON.stringify(s.failures))}, ${st.param(s.definition.id)}, ${st.param(s.definition.version)}, ${st.param(req.actorId)},
             ${st.param(req.now)}
        FROM u`);
  }
  const events = logs.map((e) => ({
    type: EVENT_TYPES[e.event], at: e.at,
    data: { from: e.from, to: e.to, ...e.data, ...req.eventData, ...(s ? { submissionId: s.id } : {}), version: predicted.version },
  }));
  st.with('e', `INSERT INTO events (actor_id, entity_type, entity_id, type, data, at)
    SELECT ${st.param(req.actorId)}, 'action', u.id, x.type, x.data, x.at
      FROM jsonb_to_recordset(${st.param(JSON.stringify(events))}::jsonb) AS x(type text, data jsonb, at timestamptz), u`);
  if (writes) writeEffectsCte(st, writes, req, a);
  if (s?.evidence && req.actorId !== null) {
    verdictWritesCte(st, {
      ...s.evidence, submissionId: s.id, outcome: s.outcome, action: a, userId: req.actorId, now: req.now,
      followupId: writes?.followUp ? '(SELECT id FROM fu)' : undefined,
    });
  }
  if (req.respond) {
    storeResponseCte(st, req.respond.key, req.respond.status, req.respond.body(predicted));
  }
  const conflict = { actionId: a.id, expectedVersion: a.version };
  const { rows: [u] } = await db.query(st.prepared(
    `SELECT ${ACTION_RETURNING}
       FROM (SELECT af_conflict_unless(EXISTS (SELECT 1 FROM u), ${st.param(JSON.stringify(conflict))})) guard LEFT JOIN u ON true`,
  )).catch((err) => {
    const e = translatePgError(err);
    throw e instanceof AppError && e.code === 'CONFLICT' ? new AppError('CONFLICT', conflict) : e;
  });

  const next: ActionRow = moved ? await loadActionRow(db, a.id) : { ...a, ...ownColumns(toActionRow(u)) };
  const done = writes ?? await planFor(next);
  if (moved) await writeEffects(db, done, req, a);
  if (done.escalation) await moveEscalationPlan(db, next, done.escalation);
  return next;
}

/** The effects' parts of the transition's statement. */
function writeEffectsCte(st: Sql, w: EffectWrites, req: TransitionRequest, a: ActionRow): void {
  if (w.todos.length) {
    const rows = w.todos.map((t) => ({ action_id: t.actionId, supervisor_id: t.supervisorId, kind: t.kind, day: t.day, failures: t.failures }));
    st.with('todo', `INSERT INTO supervisor_todos (action_id, supervisor_id, kind, day, failures)
      SELECT x.action_id, x.supervisor_id, x.kind, x.day, x.failures
        FROM jsonb_to_recordset(${st.param(JSON.stringify(rows))}::jsonb) AS x(action_id bigint, supervisor_id bigint, kind text, day date, failures jsonb)
      ON CONFLICT (action_id, kind, day) DO UPDATE
        SET attempts = supervisor_todos.attempts + 1, failures = EXCLUDED.failures, updated_at = now()`);
  }
  if (w.closeTodos.length) {
    st.with('todo_done', `UPDATE supervisor_todos SET done_at = ${st.param(req.now)}, updated_at = now()
      WHERE action_id = ${st.param(a.id)} AND kind = ANY(${st.param(w.closeTodos)}) AND done_at IS NULL`);
  }
  if (w.draft === 'clear') st.with('draft', `DELETE FROM action_drafts WHERE action_id = ${st.param(a.id)}`);
  if (w.draft === 'keep_submitted' && req.submission?.draft && req.actorId !== null) {
    upsertDraftCte(st, a.id, req.submission.draft, req.actorId, req.now);
  }
  if (w.followUp && req.actorId !== null) {
    const f = w.followUp;
    recordFollowUpCte(st, {
      customerId: a.customerId, actionId: a.id, userId: req.actorId, departmentId: a.departmentId, channel: f.channel,
      summary: f.note ?? a.title, payload: { ...f.payload, ...(req.submission ? { submissionId: req.submission.id } : {}) },
      effective: f.effective, hasEvidence: f.hasEvidence, at: req.now, unmet: f.unmet, reasons: f.reasons,
    });
  }
  if (w.messages.length) enqueueMessagesCte(st, 'out', w.messages);
}

/** The effects as a statement of their own, after an action moved to another person (nothing to write: no round trip). */
async function writeEffects(db: Db, w: EffectWrites, req: TransitionRequest, a: ActionRow): Promise<void> {
  const st = new Sql();
  writeEffectsCte(st, w, req, a);
  if (st.values.length) await db.query(st.prepared('SELECT 1'));
}
