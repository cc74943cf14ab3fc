import { expect } from 'chai';
import { getAttributionReport } from '../../../core/attribution/report.js';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { demoAtFixedNow, FIXED_NOW } from '../seed/seed-helpers.js';

describe('the attribution report on the demo organisation', function () {
  this.timeout(600_000);

  it('has ≥ 25 won and ≥ 25 lost deals and shows what the demo\'s outcomes depend on: the decision maker met, visits, the quote', async () => {
    const demo = await demoAtFixedNow();
    const director = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const r = await getAttributionReport(demo.pool, director, {}, FIXED_NOW);
    expect(r.totals.won).to.be.at.least(25);
    expect(r.totals.lost).to.be.at.least(25);
    const row = (kind: string) => r.actions.find((a) => a.kind === kind)!;
    // the generator lets reaching the decision maker and working the deal decide it (opportunities.seed.ts)
    const dm = row('decision_maker.met');
    expect(dm.significant).to.equal(true);
    expect(dm.difference!.diff).to.be.greaterThan(0.2);
    expect(row('action:visit').won.perDeal!).to.be.greaterThan(row('action:visit').lost.perDeal! * 1.2);
    // every deal is visited: how often tells them apart
    expect(row('action:visit').intensity!.difference!.diff).to.be.greaterThan(0.1);
    expect(row('action:quote').difference!.diff).to.be.greaterThan(0);
    expect(r.reps.topQuartile!.repIds.length).to.equal(Math.ceil(r.reps.items.filter((x) => x.eligible).length / 4));
    expect(r.options.departments.map((d) => d.name)).to.not.include('合规部');
  });
});
