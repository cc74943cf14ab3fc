import { expect } from 'chai';
import fc from 'fast-check';
import { describeStatus, TRANSITIONS, transitionAction, type ActionEvent, type Effect } from '../../../core/flow/action-machine.js';
import { ACTION_STATUSES, type ActionStatus, type RuleFailure } from '../../../core/flow/types.js';
import { sh } from './support/builders.js';

const NOW = sh('11:00');
const REP = 7;
const MANAGER = 3;
const action = (status: ActionStatus, dueAt: Date | null = null) => ({ id: 1, status, assigneeId: REP, dueAt });
const VISITED: ActionEvent = { type: 'SUBMIT_OK', completion: { mode: 'evidence', definitionName: '客户拜访', attachmentCount: 3 } };
const failures: RuleFailure[] = [{ code: 'CHECKIN_MISSING', rule: 'geofence.within_km', message: '没有签到定位', target: 'checkIn', severity: 'error' }];

/** The effects of an allowed transition, without the event log. */
function effectsOf(status: ActionStatus, e: ActionEvent): Effect[] {
  const r = transitionAction(action(status), e, NOW);
  if (!r.ok) throw new Error(r.message);
  return r.effects.filter((x) => x.kind !== 'event_log');
}

describe('transitionAction', () => {
  it('starts a dispatched action and logs the change', () => {
    const r = transitionAction(action('dispatched'), { type: 'START' }, NOW);
    expect(r).to.deep.equal({
      ok: true,
      next: 'in_progress',
      changes: {},
      effects: [{ kind: 'event_log', actionId: 1, event: 'START', from: 'dispatched', to: 'in_progress', at: NOW }],
    });
  });

  it('puts an accepted report on the manager’s to-do list, records an effective follow-up, clears the draft and marks it late after the due time', () => {
    const r = transitionAction(action('in_progress', sh('09:00')), VISITED, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.next).to.equal('submitted');
    expect(r.changes).to.deep.equal({ submittedAt: NOW, completionMode: 'evidence', completionNote: null });
    expect(r.effects[0]).to.deep.include({ kind: 'event_log', data: { late: true } });
    expect(r.effects.slice(1)).to.deep.equal([
      { kind: 'supervisor_todo', actionId: 1, to: { role: 'manager' }, task: 'verify_submission' },
      {
        kind: 'follow_up', actionId: 1, channel: 'visit', effective: true, hasEvidence: true, unmet: [], payload: {},
        reasons: ['「客户拜访」报告通过全部校验（3个附件、现场签到），计为有效跟进。'],
      },
      { kind: 'draft', actionId: 1, op: 'clear' },
    ]);
  });

  it('records a phone-only completion as a follow-up without evidence, keeping the draft', () => {
    const e: ActionEvent = { type: 'SUBMIT_OK', completion: { mode: 'phone_only', note: '电话确认了订货量' } };
    const r = transitionAction(action('in_progress'), e, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.changes).to.deep.include({ completionMode: 'phone_only', completionNote: '电话确认了订货量' });
    expect(r.effects[0]).to.deep.include({ data: { completionMode: 'phone_only', note: '电话确认了订货量' } });
    const followUp = r.effects.find((x) => x.kind === 'follow_up');
    expect(followUp).to.deep.include({ channel: 'phone', effective: false, hasEvidence: false, unmet: ['NO_EVIDENCE'], note: '电话确认了订货量' });
    expect(r.effects.some((x) => x.kind === 'draft')).to.equal(false);
  });

  it('keeps a rule-rejected submission with the rep: sends the failures back, keeps what was sent as the draft and opens the manager’s to-do', () => {
    const r = transitionAction(action('in_progress'), { type: 'SUBMIT_REJECTED', failures }, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.next).to.equal('in_progress');
    expect(r.effects.slice(1)).to.deep.equal([
      { kind: 'notify', actionId: 1, to: { userId: REP }, template: 'submission_failed', data: { failures } },
      { kind: 'supervisor_todo', actionId: 1, to: { role: 'manager' }, task: 'submission_rejected', failures },
      { kind: 'draft', actionId: 1, op: 'keep_submitted' },
    ]);
  });

  it('closes the manager’s to-dos on the action when it is verified, and tells the rep', () => {
    expect(effectsOf('submitted', { type: 'VERIFY', by: MANAGER, comment: '很好' })).to.deep.equal([
      { kind: 'notify', actionId: 1, to: { userId: REP }, template: 'verified', data: { comment: '很好' } },
      { kind: 'close_todos', actionId: 1, tasks: ['verify_submission', 'submission_rejected'] },
    ]);
  });

  it('tells the new assignee and the previous one of a reassignment, and readdresses the escalation plan', () => {
    const e: ActionEvent = { type: 'REASSIGN', to: { userId: 9, departmentId: 4 }, by: MANAGER, byName: '李经理', reason: '赵磊休假' };
    const r = transitionAction(action('in_progress'), e, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.changes).to.deep.equal({ assigneeId: 9, departmentId: 4 });
    expect(r.effects[0]).to.deep.include({ data: { fromUserId: REP, toUserId: 9, by: MANAGER, reason: '赵磊休假' } });
    expect(r.effects.slice(1)).to.deep.equal([
      { kind: 'notify', actionId: 1, to: { userId: 9 }, template: 'reassigned', data: { from: REP } },
      { kind: 'notify', actionId: 1, to: { userId: REP }, template: 'reassigned_away', data: { byName: '李经理', reason: '赵磊休假' } },
      { kind: 'escalation_plan', actionId: 1, op: 'readdress' },
    ]);
  });

  it('moves the escalation plan only when a reopen sets a new deadline', () => {
    const due = sh('18:00');
    expect(effectsOf('verified', { type: 'REOPEN', by: MANAGER, reason: '照片不清晰' }).map((x) => x.kind)).to.deep.equal(['notify']);
    const r = transitionAction(action('verified'), { type: 'REOPEN', by: MANAGER, reason: '照片不清晰', dueAt: due }, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.changes).to.deep.equal({ verifiedAt: null, completionMode: null, completionNote: null, dueAt: due });
    expect(r.effects.at(-1)).to.deep.equal({ kind: 'escalation_plan', actionId: 1, op: 'reschedule' });
  });

  it('refuses to verify an action that was never submitted, in Chinese', () => {
    const r = transitionAction(action('in_progress'), { type: 'VERIFY', by: MANAGER }, NOW);
    expect(r).to.deep.equal({ ok: false, code: 'ACTION_TRANSITION_INVALID', message: '该事项当前为「进行中」，不能执行「核验通过」。' });
  });

  it('requires a reason to reject a submission', () => {
    const r = transitionAction(action('submitted'), { type: 'REJECT_BY_MANAGER', by: MANAGER, reason: ' ' }, NOW);
    expect(r).to.include({ ok: false, code: 'ACTION_REASON_REQUIRED' });
    const ok = transitionAction(action('submitted'), { type: 'REJECT_BY_MANAGER', by: MANAGER, reason: '合影看不清客户' }, NOW);
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
    expect(transitionAction(action('overdue'), VISITED, NOW)).to.include({ next: 'submitted' });
  });

  it('treats archived as final', () => {
    const events: ActionEvent[] = [{ type: 'START' }, { type: 'REOPEN', by: MANAGER, reason: '补资料' }, { type: 'MARK_OVERDUE' }, { type: 'ARCHIVE' }];
    for (const e of events) expect(transitionAction(action('archived'), e, NOW).ok).to.equal(false);
  });

  it('never leaves the status set, whatever the event sequence', () => {
    const eventArb = fc.constantFrom<ActionEvent>(
      { type: 'START' }, { type: 'SAVE_DRAFT' }, VISITED, { type: 'SUBMIT_REJECTED', failures: [] },
      { type: 'VERIFY', by: MANAGER }, { type: 'REJECT_BY_MANAGER', by: MANAGER, reason: '缺照片' }, { type: 'ARCHIVE' }, { type: 'MARK_OVERDUE' },
      { type: 'ESCALATE' }, { type: 'REOPEN', by: MANAGER, reason: '客户追加需求' },
      { type: 'REASSIGN', to: { userId: 9, departmentId: null }, by: MANAGER, byName: '李经理' },
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
