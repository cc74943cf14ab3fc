/**
 * Writes an action's escalation plan when it is created: each step of its
 * policy, when it fires (core/flow/escalation.ts, working days in Shanghai),
 * whom it notifies and copies, resolved to people now. The alert job only has
 * to send rows whose due_at has passed and mark them done.
 */
import type { Db } from '../db/pool.js';
import { dueEscalations, stepFiresAt, type DueEscalationStep, type EscalationPolicy } from '../flow/escalation.js';
import type { WorkCalendar } from '../flow/working-days.js';
import type { NotifyRole } from '../flow/types.js';
import { resolveRole, type ActionPeople, type Person } from './recipients.js';

/**
 * Every step of the policy with its firing time and copies: asked just after
 * the last step fires, dueEscalations lists them all as due.
 */
export function planEscalationSteps(policy: EscalationPolicy, actionId: number, dueAt: Date, calendar: WorkCalendar): DueEscalationStep[] {
  const last = policy.steps[policy.steps.length - 1];
  const afterAll = new Date(stepFiresAt(dueAt, last.afterWorkingDaysOverdue, calendar).getTime() + 1);
  return dueEscalations(policy, { actionId: String(actionId), dueAt, now: afterAll, calendar }).due;
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
