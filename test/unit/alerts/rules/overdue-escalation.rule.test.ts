import { expect } from 'chai';
import { overdueEscalationRule, type OverdueStepCandidate } from '../../../../core/alerts/rules/overdue-escalation.rule.js';
import { shanghaiInstant } from '../../../../core/flow/time.js';

const NOW = shanghaiInstant('2026-11-27', 9);

function aStep(patch: Partial<OverdueStepCandidate['step']>): OverdueStepCandidate {
  return {
    action: {
      id: 42, title: '拜访华联', definitionName: '客户拜访', status: 'overdue', customerId: 12, customerName: '华联超市总部',
      assigneeId: 7, assigneeName: '赵磊', assigneeWecomUserid: 'rep.zhao', departmentId: 4, dueAt: shanghaiInstant('2026-11-24', 23, 59),
    },
    step: { index: 1, afterWorkingDaysOverdue: 2, firesAt: shanghaiInstant('2026-11-26', 23, 59), notify: ['manager'], cc: [], escalate: true,
      dedupeKey: 'action:42:escalation:1', ...patch },
    overdueWorkingDays: 2,
    recipients: [{ userId: 3, role: 'manager' }],
  };
}

describe('overdue_escalation.rule', () => {
  it('names the rung of the policy in the title and whom the step notifies in the summary', () => {
    const a = overdueEscalationRule.check({ row: aStep({}), now: NOW }, {})!;
    expect(a).to.deep.include({
      dedupeKey: 'action:42:escalation:1', subject: { type: 'action', id: 42 }, severity: 'warning',
      title: '「拜访华联」逾期2个工作日，已升级',
      summary: '负责人：赵磊；客户：华联超市总部；截止：11月24日 23:59；升级第2步，通知主管',
    });
  });

  it('is critical when a step reaches the director or compliance, and plain 已逾期 on the due day', () => {
    expect(overdueEscalationRule.check({ row: aStep({ notify: ['director'] }), now: NOW }, {})!.severity).to.equal('critical');
    expect(overdueEscalationRule.check({ row: aStep({ afterWorkingDaysOverdue: 0, index: 0 }), now: NOW }, {})!.title).to.equal('「拜访华联」已逾期');
  });
});
