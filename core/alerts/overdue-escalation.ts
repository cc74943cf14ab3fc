/**
 * 逾期升级: actions past their due time that are not submitted, verified or
 * archived are marked overdue (the engine's MARK_OVERDUE transition: event +
 * a card to the rep), then walk their escalation policy
 * (core/flow/escalation.ts dueEscalations over action_escalation_steps): each
 * step whose time has come becomes one alert, once, to the people the step
 * names (manager, director, compliance …, plus those it copies), and steps
 * that escalate move the action to 'escalated'. Alerts resolve themselves
 * once the action is submitted.
 *
 *   const report = await runOverdueEscalation(deps);
 */
import type pg from 'pg';
import { loadActionRow, type ActionRow } from '../actions/action-repo.js';
import { loadDefinitionForAction, loadWorkCalendar } from '../actions/definitions.js';
import { writeEscalationSteps } from '../actions/escalation-steps.js';
import { writeTransition } from '../actions/write-transition.js';
import { resolveRole } from '../actions/recipients.js';
import { canTransition, CLOSED_STATUSES } from '../flow/action-machine.js';
import { dueEscalations, EscalationPolicySchema, type DueEscalationStep, type EscalationPolicy } from '../flow/escalation.js';
import { ACTION_STATUSES } from '../flow/types.js';
import type { WorkCalendar } from '../flow/working-days.js';
import { createCandidateTable, materializeAlerts, resolveAlertsWhere, stageDrafts } from './alert-writer.js';
import { OverdueEscalationParamsSchema, quietUntil } from './rule-settings.js';
import type { CandidateRecipient } from './rules/alert-rule.js';
import { overdueEscalationRule } from './rules/overdue-escalation.rule.js';
import { heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';

const NOT_OVERDUE_YET = ACTION_STATUSES.filter((s) => canTransition(s, 'MARK_OVERDUE'));
const DONE = CLOSED_STATUSES;
interface StoredStep {
  step: number;
  done_at: Date | null;
  recipients: Array<{ role: string; userId: number; copied?: boolean }>;
}

export async function runOverdueEscalation(deps: DetectionDeps): Promise<DetectionReport> {
  return runDetection(deps, 'overdue_escalation', OverdueEscalationParamsSchema, async (tx, rule, now) => {
    const publicUrl = deps.config.publicUrl;
    const resolved = await resolveAlertsWhere(tx,
      (sql) => `a.rule_code = 'overdue_escalation' AND a.subject_type = 'action'
       AND EXISTS (SELECT 1 FROM actions x WHERE x.id = a.subject_id AND x.status = ANY(${sql.param(DONE)}))`,
      { now, note: '事项已提交', actorId: null, via: 'auto' });
    const { rows } = await tx.query<{ id: number }>(
      `SELECT a.id FROM actions a
        WHERE a.due_at < $1 AND NOT (a.status = ANY($2))
          -- a paused process's deadlines stand still (resuming moves them by the pause)
          AND NOT EXISTS (SELECT 1 FROM process_instances p WHERE p.id = a.process_instance_id AND p.status = 'paused')
          AND (a.status = ANY($3)
               OR EXISTS (SELECT 1 FROM action_escalation_steps s WHERE s.action_id = a.id AND s.done_at IS NULL AND s.due_at < $1)
               OR NOT EXISTS (SELECT 1 FROM action_escalation_steps s WHERE s.action_id = a.id))
        ORDER BY a.due_at, a.id LIMIT $4
        FOR UPDATE OF a SKIP LOCKED`,
      [now, DONE, NOT_OVERDUE_YET, rule.params.maxActionsPerRun ?? 500],
    );
    await createCandidateTable(tx);
    const calendar = await loadWorkCalendar(tx);
    let markedOverdue = 0;
    let escalated = 0;
    let steps = 0;
    for (const { id } of rows) {
      let a = await loadActionRow(tx, id);
      if (NOT_OVERDUE_YET.includes(a.status)) {
        a = await writeTransition(tx, { action: a, event: { type: 'MARK_OVERDUE' }, actorId: null, now, publicUrl });
        markedOverdue++;
      }
      const r = await escalate(tx, a, calendar, now, publicUrl);
      steps += r.steps;
      escalated += r.escalated ? 1 : 0;
    }
    const sendAfter = quietUntil(now, rule.quietHours);
    const m = await materializeAlerts(tx, overdueEscalationRule, {
      now, publicUrl, secret: deps.config.sessionSecret, sendAfter,
    });
    return {
      summary: `逾期升级检查：标记逾期 ${markedOverdue} 个事项，触发升级步骤 ${steps} 个（其中 ${escalated} 个事项升级），` +
        `新增预警 ${m.opened} 条，待发送消息 ${m.messages} 条${heldNote(sendAfter, m.messages)}，自动解除 ${resolved.length} 条`,
      markedOverdue, escalationSteps: steps, escalated, opened: m.opened, messages: m.messages, resolved: resolved.length,
      alertIds: m.alertIds,
    };
  });
}

async function escalate(
  tx: pg.PoolClient, a: ActionRow, calendar: WorkCalendar, now: Date, publicUrl: string,
): Promise<{ steps: number; escalated: boolean }> {
  if (!a.dueAt) return { steps: 0, escalated: false };
  const policy = await policyOf(tx, a);
  let stored = await storedSteps(tx, a.id);
  if (stored.length === 0) {
    // actions created before their plan was written (imports, older versions): write it now
    await writeEscalationSteps(tx, { id: a.id, assigneeId: a.assigneeId, assignerId: a.assignerId }, policy, a.dueAt, calendar);
    stored = await storedSteps(tx, a.id);
  }
  const plan = dueEscalations(policy, {
    actionId: a.id, dueAt: a.dueAt, now, calendar,
    sentStepIndexes: stored.filter((s) => s.done_at).map((s) => s.step),
  });
  const launch = plan.due.length ? await launchOf(tx, a) : null;
  for (const step of plan.due) {
    const recipients = await stepRecipients(tx, a, step, stored.find((s) => s.step === step.index));
    const draft = overdueEscalationRule.check({ row: { action: a, step, overdueWorkingDays: plan.overdueWorkingDays, recipients, launch }, now }, {});
    if (draft) await stageDrafts(tx, overdueEscalationRule.kind, [draft]);
    await tx.query(
      `INSERT INTO action_escalation_steps (action_id, step, due_at, notify, cc, recipients, escalate, done_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (action_id, step) DO UPDATE SET done_at = EXCLUDED.done_at WHERE action_escalation_steps.done_at IS NULL`,
      [a.id, step.index, step.firesAt, step.notify, step.cc,
        JSON.stringify(recipients.map((r) => ({ role: r.role, userId: r.userId }))), step.escalate, now],
    );
  }
  const escalating = plan.due.filter((s) => s.escalate);
  if (escalating.length && (a.status === 'overdue' || a.status === 'escalated')) {
    const last = escalating[escalating.length - 1];
    // notify: [] — the alert card is the notification; the engine adds the manager's to-do
    await writeTransition(tx, {
      action: a, event: { type: 'ESCALATE', stepIndex: last.index, notify: [] }, actorId: null, now, publicUrl,
      eventData: { overdueWorkingDays: plan.overdueWorkingDays },
    });
    return { steps: plan.due.length, escalated: true };
  }
  return { steps: plan.due.length, escalated: false };
}

/**
 * A 新品上架 step is worked on its launch's page, not as a lone action: the
 * alert names the launch so the manager's card opens the store's launch.
 */
async function launchOf(tx: pg.PoolClient, a: ActionRow): Promise<{ id: number; productName: string } | null> {
  if (a.processInstanceId === null) return null;
  const { rows: [l] } = await tx.query(
    `SELECT l.id, p.name FROM retail_launches l JOIN retail_products p ON p.id = l.product_id WHERE l.process_instance_id = $1`, [a.processInstanceId]);
  return l ? { id: Number(l.id), productName: l.name } : null;
}

async function policyOf(tx: pg.PoolClient, a: ActionRow): Promise<EscalationPolicy> {
  const own = a.escalation ? EscalationPolicySchema.safeParse(a.escalation) : null;
  if (own?.success) return own.data;
  return (await loadDefinitionForAction(tx, a)).escalation;
}

async function storedSteps(tx: pg.PoolClient, actionId: number): Promise<StoredStep[]> {
  const { rows } = await tx.query(
    'SELECT step, done_at, recipients FROM action_escalation_steps WHERE action_id = $1 ORDER BY step', [actionId]);
  return rows;
}

/**
 * The people of a step as resolved when the action was created (so a copied
 * chain stays the one the rep had), else resolved now. The assignee is
 * recorded but gets no card: the overdue notice already went to them.
 */
async function stepRecipients(
  tx: pg.PoolClient, a: ActionRow, step: DueEscalationStep, stored: StoredStep | undefined,
): Promise<CandidateRecipient[]> {
  let people = (stored?.recipients ?? []).map((r) => ({ role: r.role, userId: Number(r.userId), copied: !!r.copied }));
  if (people.length === 0) {
    for (const [roles, copied] of [[step.notify, false], [step.cc, true]] as const) {
      for (const role of roles) {
        for (const p of await resolveRole(tx, { assigneeId: a.assigneeId, assignerId: a.assignerId }, role)) {
          people.push({ role: p.role, userId: p.userId, copied });
        }
      }
    }
  }
  const seen = new Set<number>();
  people = people.filter((p) => !seen.has(p.userId) && seen.add(p.userId));
  return people.map((p) => ({
    userId: p.userId, role: p.copied ? `cc:${p.role}` : p.role, notify: p.userId !== a.assigneeId,
  }));
}
