/**
 * Writes an action's escalation plan when it is created: each step of its
 * policy, when it fires (core/flow/escalation.ts, working days in Shanghai),
 * whom it notifies and copies, resolved to people now. The alert job only has
 * to send rows whose due_at has passed and mark them done.
 */
import type { Db } from '../db/pool.js';
import { dueEscalations, EscalationPolicySchema, stepFiresAt, type DueEscalationStep, type EscalationPolicy } from '../flow/escalation.js';
import type { WorkCalendar } from '../flow/working-days.js';
import type { NotifyRole } from '../flow/types.js';
import type { ActionRow } from './action-repo.js';
import { loadDefinitionForAction, loadWorkCalendar } from './definitions.js';
import { resolveRole, type ActionPeople, type Person } from './recipients.js';

/**
 * Every step of the policy with its firing time and copies: asked just after
 * the last step fires, dueEscalations lists them all as due.
 */
export function planEscalationSteps(policy: EscalationPolicy, actionId: number, dueAt: Date, calendar: WorkCalendar): DueEscalationStep[] {
  const last = policy.steps[policy.steps.length - 1];
  const afterAll = new Date(stepFiresAt(dueAt, last.afterWorkingDaysOverdue, calendar).getTime() + 1);
  return dueEscalations(policy, { actionId, dueAt, now: afterAll, calendar }).due;
}

export interface WrittenStep {
  step: number;
  dueAt: Date;
  notify: string[];
  cc: string[];
  recipients: Array<Pick<Person, 'role' | 'userId' | 'name'> & { wecomUserid: string; copied: boolean }>;
}

/** A step's notified and copied roles as the people they are for this action now. */
export async function stepRecipients(
  db: Db, action: ActionPeople, notify: readonly NotifyRole[], cc: readonly NotifyRole[],
): Promise<WrittenStep['recipients']> {
  const recipients: WrittenStep['recipients'] = [];
  for (const [roles, copied] of [[notify, false], [cc, true]] as const) {
    for (const role of roles) {
      for (const p of await resolveRole(db, action, role)) {
        recipients.push({ role: p.role, userId: p.userId, name: p.name, wecomUserid: p.wecomUserid, copied });
      }
    }
  }
  return recipients;
}

export async function writeEscalationSteps(
  db: Db, action: ActionPeople & { id: number }, policy: EscalationPolicy, dueAt: Date, calendar: WorkCalendar,
): Promise<WrittenStep[]> {
  const written: WrittenStep[] = [];
  for (const s of planEscalationSteps(policy, action.id, dueAt, calendar)) {
    const recipients = await stepRecipients(db, action, s.notify, s.cc);
    await db.query(
      `INSERT INTO action_escalation_steps (action_id, step, due_at, notify, cc, recipients, escalate)
       VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (action_id, step) DO NOTHING`,
      [action.id, s.index, s.firesAt, s.notify, s.cc, JSON.stringify(recipients), s.escalate],
    );
    written.push({ step: s.index, dueAt: s.firesAt, notify: s.notify, cc: s.cc, recipients });
  }
  return written;
}

/**
 * A new deadline (a reopen) moves the steps not yet sent; the ones already
 * sent stay as they were (their recipients were told, and the plan's step
 * numbers are unique per action).
 */
export async function rescheduleEscalationSteps(db: Db, a: ActionRow): Promise<void> {
  if (!a.dueAt) return;
  await db.query('DELETE FROM action_escalation_steps WHERE action_id = $1 AND done_at IS NULL', [a.id]);
  const policy = a.escalation ? EscalationPolicySchema.parse(a.escalation) : (await loadDefinitionForAction(db, a)).escalation;
  await writeEscalationSteps(db, a, policy, a.dueAt, await loadWorkCalendar(db));
}

/**
 * Steps not yet sent were addressed relative to the old assignee (their
 * manager, and the assignee themself); address them to the new one's (a reassign).
 */
export async function readdressEscalationSteps(db: Db, a: ActionRow): Promise<void> {
  const { rows } = await db.query(
    'SELECT step, notify, cc FROM action_escalation_steps WHERE action_id = $1 AND done_at IS NULL ORDER BY step', [a.id]);
  for (const s of rows as Array<{ step: number; notify: NotifyRole[]; cc: NotifyRole[] }>) {
    const recipients = await stepRecipients(db, a, s.notify, s.cc);
    await db.query('UPDATE action_escalation_steps SET recipients = $3 WHERE action_id = $1 AND step = $2',
      [a.id, s.step, JSON.stringify(recipients)]);
  }
}
