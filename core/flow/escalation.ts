/**
 * Escalation of overdue actions as data. A policy lists steps by working days
 * overdue; a periodic job asks which steps are due now and sends each step
 * once, keyed by its stable index (`dedupeKey`), so running the job twice
 * sends nothing twice.
 *
 *   const r = dueEscalations(policy, { actionId, dueAt, now, calendar, sentStepIndexes });
 *   for (const step of r.due) outbox.add(step.dedupeKey, step.notify);
 */
import { z } from 'zod';
import { NOTIFY_ROLES, type NotifyRole } from './types.js';
import { addWorkingDays, workingDaysBetween, type WorkCalendar } from './working-days.js';

const NOTIFY_LABELS = { assignee: '负责人', assigner: '派发人', manager: '主管', director: '销售总监', compliance: '合规', admin: '管理员' };

const StepSchema = z.strictObject({
  afterWorkingDaysOverdue: z.number().int().min(0, '应在0–60个工作日之间').max(60, '应在0–60个工作日之间')
    .meta({ title: '逾期', unit: '个工作日' }),
  notify: z.array(z.enum(NOTIFY_ROLES)).min(1, '至少通知一个人').meta({ title: '通知', labels: NOTIFY_LABELS }),
  /** Also copy (抄送) everyone notified by earlier steps, so the chain below sees it went up. */
  cc: z.boolean().optional().meta({ title: '抄送前面各步通知过的人' }),
  /** Move the action to 'escalated'; defaults to true for every step after day 0. */
  escalate: z.boolean().optional().meta({ title: '标记为已升级' }),
}).meta({ title: '步骤' });

export const EscalationPolicySchema = z.strictObject({
  steps: z
    .array(StepSchema)
    .min(1)
    .refine((s) => s.every((x, i) => i === 0 || x.afterWorkingDaysOverdue > s[i - 1].afterWorkingDaysOverdue), {
      message: '升级步骤必须按逾期工作日从小到大排列，且天数不能重复',
    }).meta({ title: '升级步骤' }),
});
export type EscalationPolicy = z.output<typeof EscalationPolicySchema>;

export interface EscalationInput {
  actionId: number;
  dueAt: Date;
  now: Date;
  calendar: WorkCalendar;
  /** Step indexes already sent for this action (from the outbox/event log). */
  sentStepIndexes?: Iterable<number>;
}

export interface DueEscalationStep {
  index: number;
  afterWorkingDaysOverdue: number;
  firesAt: Date;
  notify: NotifyRole[];
  /** Earlier steps' recipients copied on this step (empty unless the step sets cc). */
  cc: NotifyRole[];
  escalate: boolean;
  /** Stable per action and step: use it as the outbox/alert dedupe key. */
  dedupeKey: string;
}

export interface EscalationPlan {
  overdue: boolean;
  overdueWorkingDays: number;
  /** Steps whose time has come and that were not sent yet, in order. */
  due: DueEscalationStep[];
  /** Every role to notify now, deduplicated; a role both notified and copied is only notified. */
  notify: NotifyRole[];
  cc: NotifyRole[];
  /** When the next unsent step fires, so a job can schedule precisely. */
  nextAt: Date | null;
}

/** Step 0 fires the moment the due time passes; step N at the end of the Nth working day after it. */
export function stepFiresAt(dueAt: Date, afterWorkingDays: number, cal: WorkCalendar): Date {
  return afterWorkingDays === 0 ? dueAt : addWorkingDays(dueAt, afterWorkingDays, cal);
}

type Step = EscalationPolicy['steps'][number];

function copiedRoles(steps: readonly Step[], index: number): NotifyRole[] {
  if (!steps[index].cc) return [];
  const earlier = new Set(steps.slice(0, index).flatMap((s) => s.notify));
  for (const r of steps[index].notify) earlier.delete(r);
  return [...earlier];
}

function toStep(steps: readonly Step[], index: number, input: EscalationInput): DueEscalationStep {
  const step = steps[index];
  return {
    index,
    afterWorkingDaysOverdue: step.afterWorkingDaysOverdue,
    firesAt: stepFiresAt(input.dueAt, step.afterWorkingDaysOverdue, input.calendar),
    notify: step.notify,
    cc: copiedRoles(steps, index),
    escalate: step.escalate ?? step.afterWorkingDaysOverdue > 0,
    dedupeKey: `action:${input.actionId}:escalation:${index}`,
  };
}

export function dueEscalations(policy: EscalationPolicy, input: EscalationInput): EscalationPlan {
  const sent = new Set(input.sentStepIndexes ?? []);
  const now = input.now.getTime();
  const steps = policy.steps.map((_, i) => toStep(policy.steps, i, input)).filter((s) => !sent.has(s.index));
  const due = steps.filter((s) => now > s.firesAt.getTime());
  const acting = new Set(due.flatMap((s) => s.notify));
  const copied = new Set(due.flatMap((s) => s.cc).filter((r) => !acting.has(r)));
  const next = steps.find((s) => now <= s.firesAt.getTime());
  const overdue = now > input.dueAt.getTime();
  return {
    overdue,
    overdueWorkingDays: overdue ? Math.max(0, workingDaysBetween(input.dueAt, input.now, input.calendar)) : 0,
    due,
    notify: [...acting],
    cc: [...copied],
    nextAt: next ? next.firesAt : null,
  };
}
