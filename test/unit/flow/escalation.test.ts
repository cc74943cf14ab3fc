import { expect } from 'chai';
import { dueEscalations, EscalationPolicySchema, type EscalationPolicy } from '../../../core/flow/escalation.js';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { MAY_DAY_2024 } from './support/calendars.js';

const policy: EscalationPolicy = {
  steps: [
    { afterWorkingDaysOverdue: 0, notify: ['assignee'] },
    { afterWorkingDaysOverdue: 1, notify: ['manager'] },
    { afterWorkingDaysOverdue: 3, notify: ['director', 'compliance'], cc: true },
  ],
};
// due Friday 5/10 end of day; Saturday 5/11 is a 调休 working day
const dueAt = shanghaiInstant('2024-05-10', 23, 59, 59);
const plan = (now: Date, sentStepIndexes: number[] = []) =>
  dueEscalations(policy, { actionId: 1, dueAt, now, calendar: MAY_DAY_2024, sentStepIndexes });

describe('dueEscalations', () => {
  it('sends nothing before the due time and says when the first step fires', () => {
    const r = plan(shanghaiInstant('2024-05-10', 20));
    expect(r).to.deep.include({ overdue: false, due: [], notify: [], nextAt: dueAt });
  });

  it('reminds the assignee as soon as the action is overdue', () => {
    const r = plan(shanghaiInstant('2024-05-11', 9));
    expect(r.due.map((s) => s.index)).to.deep.equal([0]);
    expect(r.notify).to.deep.equal(['assignee']);
    expect(r.nextAt?.toISOString()).to.equal('2024-05-11T15:59:59.000Z');
  });

  it('counts the 调休 Saturday, so the manager step is due by Monday', () => {
    const r = plan(shanghaiInstant('2024-05-13', 9), [0]);
    expect(r.due.map((s) => s.index)).to.deep.equal([1]);
    expect(r.overdueWorkingDays).to.equal(2);
  });

  it('goes to director and compliance after 3 working days, copying everyone before', () => {
    const r = plan(shanghaiInstant('2024-05-15', 9), [0, 1]);
    expect(r.due).to.have.length(1);
    expect(r.due[0]).to.deep.include({ index: 2, notify: ['director', 'compliance'], cc: ['assignee', 'manager'], escalate: true, dedupeKey: 'action:1:escalation:2' });
    expect(r.cc).to.deep.equal(['assignee', 'manager']);
    expect(r.nextAt).to.equal(null);
  });

  it('sends each step once: nothing is due when all were sent', () => {
    expect(plan(shanghaiInstant('2024-06-01', 9), [0, 1, 2]).due).to.deep.equal([]);
  });

  it('rejects a policy whose steps are out of order', () => {
    const r = EscalationPolicySchema.safeParse({ steps: [{ afterWorkingDaysOverdue: 3, notify: ['director'] }, { afterWorkingDaysOverdue: 1, notify: ['manager'] }] });
    expect(r.success).to.equal(false);
    expect(r.error?.issues[0].message).to.contain('从小到大');
  });

  it('rejects an unknown role', () => {
    expect(EscalationPolicySchema.safeParse({ steps: [{ afterWorkingDaysOverdue: 0, notify: ['ceo'] }] }).success).to.equal(false);
  });
});
