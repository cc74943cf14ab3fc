import { expect } from 'chai';
import type { VisitDraftInput } from '../../../core/actions/action-schemas.js';
import { undoEntryFor, undoneDraft, type UndoEntry } from '../../../bot/engine/state.js';

describe('bot undo entries', () => {
  const checkIn = { at: '2026-11-27T02:00:00.000Z', lat: 31.23, lng: 121.47, coordSystem: 'gcj02' as const };
  const before: VisitDraftInput = { fields: { decisionRole: '决策者' }, transcript: '客户说价格偏高', checkIn };

  it('keeps only the entries a change replaced, not the whole draft', () => {
    const after = { ...before, fields: { decisionRole: '决策者', nextContactAt: '2026-12-02T15:00:00+08:00' } };
    const entry = undoEntryFor(7, '下次接触时间', before, after);
    expect(entry).to.deep.equal({ actionId: 7, label: '下次接触时间', previous: { fields: { decisionRole: '决策者' } } });
    expect(undoneDraft(after, entry)).to.deep.equal(before);
  });

  it('removes what the change added', () => {
    const after = { ...before, linkedOrderIds: [11, 12] };
    const entry = undoEntryFor(7, '关联订单2笔', before, after);
    expect(entry.added).to.deep.equal(['linkedOrderIds']);
    expect(undoneDraft(after, entry)).to.deep.equal(before);
  });

  it('leaves entries changed elsewhere since as they are now', () => {
    const after = { ...before, transcript: '客户说价格偏高\n回款慢' };
    const entry = undoEntryFor(7, '客户痛点 回款慢', before, after);
    const movedInApp = { ...after, checkIn: { ...checkIn, lat: 31.24 } };
    expect(undoneDraft(movedInApp, entry)).to.deep.equal({ ...before, checkIn: { ...checkIn, lat: 31.24 } });
  });

  it('restores the whole earlier draft from an entry saved in the older form', () => {
    const older: UndoEntry = { actionId: 7, label: '签到', before: { transcript: '旧的' } };
    expect(undoneDraft({ ...before }, older)).to.deep.equal({ transcript: '旧的' });
    expect(undoneDraft({ ...before }, { actionId: 7, label: '签到', before: null })).to.deep.equal({});
  });
});
