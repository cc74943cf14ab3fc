import { expect } from 'chai';
import fc from 'fast-check';
import { describeStatus, TRANSITIONS, transitionAction, type ActionEvent } from '../../../core/flow/action-machine.js';
import { ACTION_STATUSES, type ActionStatus } from '../../../core/flow/types.js';
import { sh } from './support/builders.js';

const NOW = sh('11:00');
const action = (status: ActionStatus, dueAt: Date | null = null) => ({ id: 'A-1', status, assigneeId: 'zhangsan', dueAt });

describe('transitionAction', () => {
  it('starts a dispatched action and logs the change', () => {
    const r = transitionAction(action('dispatched'), { type: 'START' }, NOW);
    expect(r).to.deep.equal({
      ok: true,
      next: 'in_progress',
      effects: [{ kind: 'event_log', actionId: 'A-1', event: 'START', from: 'dispatched', to: 'in_progress', at: NOW }],
    });
  });

  it('puts an accepted submission on the manager’s to-do list and marks it late after the due time', () => {
    const r = transitionAction(action('in_progress', sh('09:00')), { type: 'SUBMIT_OK' }, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.next).to.equal('submitted');
    expect(r.effects[0]).to.deep.include({ kind: 'event_log', data: { late: true } });
    expect(r.effects[1]).to.deep.equal({ kind: 'supervisor_todo', actionId: 'A-1', to: { role: 'manager' }, task: 'verify_submission' });
  });

  it('keeps a rule-rejected submission with the rep and sends the failures back', () => {
    const failures = [{ code: 'CHECKIN_MISSING', rule: 'geofence.within_km' as const, message: '没有签到定位', target: 'checkIn', severity: 'error' as const }];
    const r = transitionAction(action('in_progress'), { type: 'SUBMIT_REJECTED', failures }, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.next).to.equal('in_progress');
    expect(r.effects[1]).to.deep.equal({ kind: 'notify', actionId: 'A-1', to: { userId: 'zhangsan' }, template: 'submission_failed', data: { failures } });
  });

  it('refuses to verify an action that was never submitted, in Chinese', () => {
    const r = transitionAction(action('in_progress'), { type: 'VERIFY' }, NOW);
    expect(r).to.deep.equal({ ok: false, code: 'ACTION_TRANSITION_INVALID', message: '该事项当前为「进行中」，不能执行「核验通过」。' });
  });

  it('requires a reason to reject a submission', () => {
    const r = transitionAction(action('submitted'), { type: 'REJECT_BY_MANAGER', reason: ' ' }, NOW);
    expect(r).to.include({ ok: false, code: 'ACTION_REASON_REQUIRED' });
    const ok = transitionAction(action('submitted'), { type: 'REJECT_BY_MANAGER', reason: '合影看不清客户' }, NOW);
    expect(ok).to.include({ ok: true, next: 'rejected' });
  });

  it('escalates an overdue action to the roles the policy names', () => {
    const r = transitionAction(action('overdue'), { type: 'ESCALATE', stepIndex: 2, notify: ['director', 'compliance'] }, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.next).to.equal('escalated');
    expect(r.effects.filter((e) => e.kind === 'notify').map((e) => e.kind === 'notify' && e.to)).to.deep.equal([{ role: 'director' }, { role: 'compliance' }]);
  });

  it('lets a rep keep working on an overdue action without clearing the mark', () => {
    expect(transitionAction(action('overdue'), { type: 'SAVE_DRAFT' }, NOW)).to.include({ next: 'overdue' });
    expect(transitionAction(action('overdue'), { type: 'SUBMIT_OK' }, NOW)).to.include({ next: 'submitted' });
  });

  it('treats archived as final', () => {
    const events: ActionEvent[] = [{ type: 'START' }, { type: 'REOPEN', reason: '补资料' }, { type: 'MARK_OVERDUE' }, { type: 'ARCHIVE' }];
    for (const e of events) expect(transitionAction(action('archived'), e, NOW).ok).to.equal(false);
  });

  it('never leaves the status set, whatever the event sequence', () => {
    const eventArb = fc.constantFrom<ActionEvent>(
      { type: 'START' }, { type: 'SAVE_DRAFT' }, { type: 'SUBMIT_OK' }, { type: 'SUBMIT_REJECTED', failures: [] },
      { type: 'VERIFY' }, { type: 'REJECT_BY_MANAGER', reason: '缺照片' }, { type: 'ARCHIVE' }, { type: 'MARK_OVERDUE' },
      { type: 'ESCALATE' }, { type: 'REOPEN', reason: '客户追加需求' }, { type: 'REASSIGN', toUserId: 'lisi' },
    );
    fc.assert(fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
      let status: ActionStatus = 'dispatched';
      for (const e of events) {
        const r = transitionAction(action(status), e, NOW);
        if (r.ok) status = r.next;
        if (!ACTION_STATUSES.includes(status)) return false;
      }
      return true;
    }));
  });

  it('has a row for every status', () => {
    expect(Object.keys(TRANSITIONS)).to.have.members([...ACTION_STATUSES]);
  });
});

describe('describeStatus', () => {
  it('gives the Chinese label of every status', () => {
    expect(ACTION_STATUSES.map(describeStatus)).to.deep.equal(['已派发', '进行中', '已提交', '已核验', '已归档', '已驳回', '已逾期', '已升级']);
  });
});
