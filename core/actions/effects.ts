/**
 * The reads a transition's effects need before they are written (who
 * "the manager" is, which card a notice is) and the parts that follow the
 * write: core/flow/action-machine.ts decides the effects, planEffects turns
 * them into rows (supervisor to-dos, outbox messages …) for
 * core/actions/write-transition.ts to write in the transition's statement.
 * Every write is keyed, so replaying a transition's effects sends nothing twice.
 */
import type { Db } from '../db/pool.js';
import type { ActionEventType, Effect, SupervisorTask } from '../flow/action-machine.js';
import { shanghaiDate } from '../flow/time.js';
import type { RuleFailure } from '../flow/types.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import { actionUrl, escalationTodoCard, notifyCard, rejectionTodoCard, verifyTodoCard } from './action-cards.js';
import type { ActionRow } from './action-repo.js';
import { readdressEscalationSteps, rescheduleEscalationSteps } from './escalation-steps.js';
import { resolveRecipient, resolveRole } from './recipients.js';

export const EVENT_TYPES: Record<ActionEventType, string> = {
  START: 'action.started', SAVE_DRAFT: 'action.draft_saved', SUBMIT_OK: 'action.submitted',
  SUBMIT_REJECTED: 'action.submission_rejected', VERIFY: 'action.verified', REJECT_BY_MANAGER: 'action.rejected',
  ARCHIVE: 'action.archived', MARK_OVERDUE: 'action.overdue', ESCALATE: 'action.escalated',
  REOPEN: 'action.reopened', REASSIGN: 'action.reassigned', CANCEL: 'action.cancelled',
};

export interface EffectContext {
  /** The action as the transition leaves it. */
  action: ActionRow;
  now: Date;
  publicUrl: string;
  /** Distinguishes repeated notifications of one template (the action's new version). */
  dedupeSuffix: string;
}

export type TodoKind = SupervisorTask;

interface TodoWrite { actionId: number; supervisorId: number; kind: TodoKind; day: string; failures: readonly RuleFailure[] }

type FollowUpEffect = Extract<Effect, { kind: 'follow_up' }>;

/** What a transition's effects write, recipients resolved and cards rendered. */
export interface EffectWrites {
  todos: TodoWrite[];
  messages: OutboxMessage[];
  closeTodos: TodoKind[];
  draft: Extract<Effect, { kind: 'draft' }>['op'] | null;
  followUp: Omit<FollowUpEffect, 'kind' | 'actionId'> | null;
  /** Done after the write: it reads the policy and the people again. */
  escalation: Extract<Effect, { kind: 'escalation_plan' }>['op'] | null;
}

/** Resolves who the effects go to — the only reads — and renders their messages. */
export async function planEffects(db: Db, effects: readonly Effect[], ctx: EffectContext): Promise<EffectWrites> {
  const w: EffectWrites = { todos: [], messages: [], closeTodos: [], draft: null, followUp: null, escalation: null };
  for (const e of effects) {
    switch (e.kind) {
      case 'event_log': throw new Error('event-log effects are written with the transition');
      case 'notify': w.messages.push(...await noticesOf(db, e, ctx)); break;
      case 'supervisor_todo': {
        const todo = await planSupervisorTodo(db, ctx.action, e.task, ctx.now, ctx.publicUrl, e.failures ?? []);
        if (todo) { w.todos.push(todo.todo); w.messages.push(todo.message); }
        break;
      }
      case 'close_todos': w.closeTodos.push(...e.tasks); break;
      case 'draft': w.draft = e.op; break;
      case 'follow_up': { const { kind: _k, actionId: _a, ...f } = e; w.followUp = f; break; }
      case 'escalation_plan': w.escalation = e.op; break;
    }
  }
  return w;
}

async function noticesOf(db: Db, e: Extract<Effect, { kind: 'notify' }>, ctx: EffectContext): Promise<OutboxMessage[]> {
  const url = actionUrl(ctx.publicUrl, ctx.action.id);
  // a rep fixing a report five times a day gets one reminder, not five
  const suffix = e.template === 'submission_failed' ? shanghaiDate(ctx.now) : ctx.dedupeSuffix;
  return (await resolveRecipient(db, ctx.action, e.to)).map((p) => ({
    dedupeKey: `action:${ctx.action.id}:${e.template}:${p.userId}:${suffix}`, recipient: p.wecomUserid,
    ...notifyCard(e.template, ctx.action, e.data ?? {}, url),
  }));
}

/** The escalation steps not yet sent, moved to the action's new deadline or its new assignee's people. */
export async function moveEscalationPlan(db: Db, a: ActionRow, op: NonNullable<EffectWrites['escalation']>): Promise<void> {
  if (op === 'reschedule') await rescheduleEscalationSteps(db, a);
  else await readdressEscalationSteps(db, a);
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
