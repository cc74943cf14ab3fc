import { expect } from 'chai';
import { computeAttribution, type ClosedDeal } from '../../../core/attribution/compute.js';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
const deal = (id: number, won: boolean, ownerId = 1): ClosedDeal => ({
  id, ownerId, ownerName: `业务员${ownerId}`, departmentId: 1, departmentName: '华东区', productLineId: 1, productLineName: '饮料',
  won, createdAt: day(0), closedAt: day(10), stages: ['a'],
});
const KINDS = [{ kind: 'k', label: '动作' }];
const STAGES = [{ key: 'a', name: '阶段一' }];
const reading = { smallSampleDeals: 10, minRepDeals: 3 };

describe('attribution arithmetic (core/attribution/compute.ts)', () => {
  it('compares how often only when it splits the deals differently from having it at all', () => {
    const deals = [deal(1, true), deal(2, false), deal(3, false)];
    const once = computeAttribution({ reading, deals, kinds: KINDS, stages: STAGES, occurrences: [{ dealId: 1, kind: 'k', stage: 'a', count: 3, firstAt: day(2) }] });
    expect(once.actions[0].intensity).to.equal(null);
    const varied = computeAttribution({ reading, deals, kinds: KINDS, stages: STAGES, occurrences: [
      { dealId: 1, kind: 'k', stage: 'a', count: 3, firstAt: day(2) }, { dealId: 2, kind: 'k', stage: 'a', count: 1, firstAt: day(5) },
    ] });
    expect(varied.actions[0].intensity).to.deep.include({ threshold: 2 });
    expect([varied.actions[0].intensity!.more.deals, varied.actions[0].intensity!.fewer.deals]).to.deep.equal([1, 2]);
    // first seen at day 2 of 10 in the won deal, day 5 in the lost one
    expect([varied.actions[0].won.medianLifePosition, varied.actions[0].lost.medianLifePosition]).to.deep.equal([0.2, 0.5]);
  });

  it("adds up an action's stages for the whole deal and keeps its earliest time", () => {
    const r = computeAttribution({ reading, deals: [deal(1, true), deal(2, false)], kinds: KINDS, stages: [...STAGES, { key: 'b', name: '阶段二' }], occurrences: [
      { dealId: 1, kind: 'k', stage: 'b', count: 2, firstAt: day(8) }, { dealId: 1, kind: 'k', stage: 'a', count: 1, firstAt: day(1) },
    ] });
    expect(r.actions[0].won).to.deep.include({ perDeal: 3, medianDay: 1 });
    // stage b was never reached by deal 1 in `stages`: its row has no population with the action
    expect(r.byStage.map((x) => x.stage)).to.deep.equal(['a']);
  });

  it('names no top quartile with fewer than two reps of enough deals', () => {
    const r = computeAttribution({ reading, deals: [deal(1, true), deal(2, false), deal(3, true), deal(4, true, 2)], kinds: KINDS, stages: STAGES, occurrences: [] });
    expect(r.reps.topQuartile).to.equal(null);
    expect(r.reps.items.map((x) => [x.id, x.eligible])).to.deep.equal([[1, true], [2, false]]);
    expect(r.reps.note).to.contain('至少需要 2 名业务员');
  });
});
