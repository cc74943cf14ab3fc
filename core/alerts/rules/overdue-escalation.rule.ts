/**
 * 逾期升级: a step of an overdue action's escalation policy whose time has
 * come (core/flow/escalation.ts dueEscalations decides which). One alert per
 * action and step, to the people the step names; critical when the step
 * reaches a director or compliance. Its title names the rung of the policy.
 */
import { describeStatus } from '../../flow/action-machine.js';
import type { DueEscalationStep } from '../../flow/escalation.js';
import { chineseDateTime } from '../../flow/time.js';
import type { ActionStatus } from '../../flow/types.js';
import type { WarningFact } from '../../wecom/template-cards.js';
import { OverdueEscalationParamsSchema } from '../rule-settings.js';
import { defineAlertRule, type CandidateRecipient } from './alert-rule.js';

const ROLE_LABELS: Record<string, string> = {
  assignee: '负责人', assigner: '派发人', manager: '主管', director: '销售总监', compliance: '合规', admin: '管理员',
};

/** An overdue action and one of its due escalation steps, as the detection selects them. */
export interface OverdueStepCandidate {
  action: {
    id: number; title: string; definitionName: string; status: ActionStatus; customerId: number; customerName: string;
    assigneeId: number; assigneeName: string; assigneeWecomUserid: string; departmentId: number | null; dueAt: Date | null;
  };
  step: DueEscalationStep;
  overdueWorkingDays: number;
  recipients: CandidateRecipient[];
  /** The 新品上架 the action is a step of, if any: its page is where the step is worked. */
  launch?: { id: number; productName: string } | null;
}

export const overdueEscalationRule = defineAlertRule({
  kind: 'overdue_escalation',
  label: '事项逾期升级',
  schema: OverdueEscalationParamsSchema,
  check({ row }: { row: OverdueStepCandidate; now: Date }) {
    const { action: a, step } = row;
    const notify = step.notify.map((r) => ROLE_LABELS[r] ?? r).join('、');
    const due = a.dueAt ? chineseDateTime(a.dueAt) : '';
    // a launch step's own title names only the step: the card says which product's launch
    const what = row.launch ? `${row.launch.productName} 新品上架${a.title}` : a.title;
    return {
      dedupeKey: step.dedupeKey,
      subject: { type: 'action', id: a.id },
      ownerId: a.assigneeId,
      departmentId: a.departmentId,
      windowStart: step.firesAt,
      severity: step.notify.some((r) => r === 'director' || r === 'compliance') ? 'critical' : 'warning',
      // the step's own threshold, so the title says which rung of the policy this is
      title: step.afterWorkingDaysOverdue === 0
        ? `「${what}」已逾期`
        : `「${what}」逾期${step.afterWorkingDaysOverdue}个工作日${step.escalate ? '，已升级' : ''}`,
      summary: `负责人：${a.assigneeName}；客户：${a.customerName}；截止：${due}；升级第${step.index + 1}步，通知${notify}`,
      data: {
        action: { id: a.id, title: a.title, definitionName: a.definitionName, status: a.status, statusLabel: describeStatus(a.status) },
        customer: { id: a.customerId, name: a.customerName },
        assignee: { id: a.assigneeId, name: a.assigneeName, userid: a.assigneeWecomUserid },
        dueAt: a.dueAt?.toISOString() ?? null, overdueWorkingDays: row.overdueWorkingDays,
        step: { index: step.index, afterWorkingDaysOverdue: step.afterWorkingDaysOverdue, notify: step.notify, cc: step.cc, escalate: step.escalate },
        why: `截止时间 ${due} 已过，未提交；升级策略第${step.index + 1}步（逾期${step.afterWorkingDaysOverdue}个工作日）通知${notify}`,
        ...(row.launch ? { launch: { id: row.launch.id, productName: row.launch.productName, path: `/launches/${row.launch.id}` } } : {}),
      },
      recipients: row.recipients,
    };
  },
  /** 事项 / 客户 / 负责人 / 截止时间 / 逾期 / 升级. */
  cardFacts(data): WarningFact[] {
    return [
      { label: '事项', value: data.action?.title ?? '' },
      { label: '客户', value: data.customer?.name ?? '' },
      { label: '负责人', value: data.assignee?.name ?? '', userid: data.assignee?.userid },
      { label: '截止时间', value: data.dueAt ? chineseDateTime(new Date(data.dueAt)) : '' },
      { label: '逾期', value: `${data.overdueWorkingDays ?? 0}个工作日` },
      { label: '升级', value: `第${(data.step?.index ?? 0) + 1}步` },
    ];
  },
});
