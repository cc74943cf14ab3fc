/**
 * The adapter side of core/flow/action-machine.ts: what the effects a
 * transition returned write, as parts of the transition's own statement
 * (lifecycle.ts). Event-log effects become `events` rows, notify effects
 * outbox messages, supervisor to-dos rows in `supervisor_todos` plus one
 * message. Every write is keyed, so replaying effects sends nothing twice.
 */
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import type { ActionEventType, Effect } from '../flow/action-machine.js';
import { shanghaiDate } from '../flow/time.js';
import type { RuleFailure } from '../flow/types.js';
import { actionUrl, escalationTodoCard, notifyCard, rejectionTodoCard, verifyTodoCard } from './action-cards.js';
import { enqueueMessagesCte, type OutboxMessage } from '../outbox/enqueue.js';
import type { ActionRow } from './action-repo.js';
import { resolveRecipient, resolveRole } from './recipients.js';

export const EVENT_TYPES: Record<ActionEventType, string> = {
  START: 'action.started', SAVE_DRAFT: 'action.draft_saved', SUBMIT_OK: 'action.submitted',
  SUBMIT_REJECTED: 'action.submission_rejected', VERIFY: 'action.verified', REJECT_BY_MANAGER: 'action.rejected',
  ARCHIVE: 'action.archived', MARK_OVERDUE: 'action.overdue', ESCALATE: 'action.escalated',
  REOPEN: 'action.reopened', REASSIGN: 'action.reassigned',
};

export interface EffectContext {
  /** The action as the transition leaves it. */
  action: ActionRow;
  now: Date;
  publicUrl: string;
  /** Distinguishes repeated notifications of one template (the action's new version). */
  dedupeSuffix: string;
}

type EventLogEffect = Extract<Effect, { kind: 'event_log' }>;

/** Event-log effects apart from the rest, so a caller can write them with its own statement. */
export function partitionEffects(effects: readonly Effect[]): [EventLogEffect[], Effect[]] {
  const logs = effects.filter((e): e is EventLogEffect => e.kind === 'event_log');
  return [logs, effects.filter((e) => e.kind !== 'event_log')];
}

/** An event-log effect as an `events` row's type, data and time (the action and actor are the caller's). */
export function eventRow(e: EventLogEffect, extra?: Record<string, unknown>): { type: string; data: Record<string, unknown>; at: Date } {
  return { type: EVENT_TYPES[e.event], data: { from: e.from, to: e.to, ...e.data, ...extra }, at: e.at };
}

export type TodoKind = 'submission_rejected' | 'verify_submission' | 'handle_escalation';

interface TodoWrite { actionId: number; supervisorId: number; kind: TodoKind; day: string; failures: readonly RuleFailure[] }

/** What effects write: supervisor to-dos and outbox messages, recipients resolved. */
export interface EffectWrites { todos: TodoWrite[]; messages: OutboxMessage[] }

/**
 * Resolves who the effects (other than event logs) go to — the only reads —
 * and renders their messages; effectWritesCte writes them. Every write is
 * keyed, so replaying a transition's effects sends nothing twice.
 */
export async function planEffects(db: Db, effects: readonly Effect[], ctx: EffectContext): Promise<EffectWrites> {
  const writes: EffectWrites = { todos: [], messages: [] };
  for (const e of effects) {
    if (e.kind === 'event_log') throw new Error('event-log effects are written with the transition');
    if (e.kind === 'notify') {
      const url = actionUrl(ctx.publicUrl, ctx.action.id);
      // a rep fixing a report five times a day gets one reminder, not five
      const suffix = e.template === 'submission_failed' ? shanghaiDate(ctx.now) : ctx.dedupeSuffix;
      for (const p of await resolveRecipient(db, ctx.action, e.to)) {
        writes.messages.push({
          dedupeKey: `action:${ctx.action.id}:${e.template}:${p.userId}:${suffix}`, recipient: p.wecomUserid,
          ...notifyCard(e.template, ctx.action, e.data ?? {}, url),
        });
      }
    } else {
      const kind = e.task === 'verify_submission' ? 'verify_submission' : 'handle_escalation';
      const todo = await planSupervisorTodo(db, ctx.action, kind, ctx.now, ctx.publicUrl, []);
      if (todo) { writes.todos.push(todo.todo); writes.messages.push(todo.message); }
    }
  }
  return writes;
}

/** The writes as parts of `st`, in CTEs named after `prefix`; the to-dos' ids come out of `${prefix}_todo`. */
export function effectWritesCte(st: Sql, w: EffectWrites, prefix: string): void {
  if (w.todos.length) {
    const rows = w.todos.map((t) => ({ action_id: t.actionId, supervisor_id: t.supervisorId, kind: t.kind, day: t.day, failures: t.failures }));
    st.with(`${prefix}_todo`, `INSERT INTO supervisor_todos (action_id, supervisor_id, kind, day, failures)
      SELECT x.action_id, x.supervisor_id, x.kind, x.day, x.failures
        FROM jsonb_to_recordset(${st.param(JSON.stringify(rows))}::jsonb) AS x(action_id bigint, supervisor_id bigint, kind text, day date, failures jsonb)
      ON CONFLICT (action_id, kind, day) DO UPDATE
        SET attempts = supervisor_todos.attempts + 1, failures = EXCLUDED.failures, updated_at = now()
      RETURNING id`);
  }
  if (w.messages.length) enqueueMessagesCte(st, `${prefix}_out`, w.messages);
}

/** The writes as a statement of their own (nothing to send: no round trip). */
export async function writeEffects(db: Db, w: EffectWrites): Promise<void> {
  if (w.todos.length === 0 && w.messages.length === 0) return;
  const st = new Sql();
  effectWritesCte(st, w, 'fx');
  await db.query(st.prepared('SELECT 1'));
}

/**
 * One to-do per action, kind and Shanghai day for the assignee's direct
 * manager, however many attempts caused it; the message goes out once (its
 * dedupe key is per day). Null when the assignee has no manager.
 */
export async function planSupervisorTodo(
  db: Db, a: ActionRow, kind: TodoKind, now: Date, publicUrl: string, failures: readonly RuleFailure[],
): Promise<{ todo: TodoWrite; message: OutboxMessage } | null> {
  // single-row reads carry the active manager; other rows ask
  const manager = a.manager !== undefined ? a.manager : (await resolveRole(db, a, 'manager'))[0] ?? null;
  if (!manager) return null;
  const day = shanghaiDate(now);
  const url = actionUrl(publicUrl, a.id);
  const card = kind === 'submission_rejected' ? rejectionTodoCard(a, failures, url)
    : kind === 'verify_submission' ? verifyTodoCard(a, a.completionMode === 'phone_only', url)
      : escalationTodoCard(a, url);
  const dedupeKey = kind === 'submission_rejected' ? `todo:${a.id}:${day}` : `todo:${kind}:${a.id}:${day}`;
  return { todo: { actionId: a.id, supervisorId: manager.userId, kind, day, failures }, message: { dedupeKey, recipient: manager.wecomUserid, ...card } };
}

/** Closes a supervisor's open to-dos of a kind on an action (e.g. once the manager verified it). */
export async function closeSupervisorTodos(db: Db, actionId: number, kinds: TodoKind[], now: Date): Promise<void> {
  await db.query(
    'UPDATE supervisor_todos SET done_at = $3, updated_at = now() WHERE action_id = $1 AND kind = ANY($2) AND done_at IS NULL',
    [actionId, kinds, now],
  );
}
