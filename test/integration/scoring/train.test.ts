import { expect } from 'chai';
import { scoreOpportunities } from '../../../core/scoring/scores.js';
import { trainOrgModel } from '../../../core/scoring/train.js';
import { freshDatabase } from '../../support/database.js';
import { FIXED_NOW, generateDemo, type GeneratedDemo } from '../seed/seed-helpers.js';

describe('the organisation\'s own win model (core/scoring/train.ts)', function () {
  this.timeout(300_000);

  it('says how many more won and lost deals it needs when there are too few closed deals, and keeps the prior model', async () => {
    const { pool } = await freshDatabase();
    const { rows: [c] } = await pool.query(`SELECT count(*) FILTER (WHERE status = 'won')::int AS won, count(*) FILTER (WHERE status = 'lost')::int AS lost FROM opportunities`);
    const r = await trainOrgModel(pool, new Date());
    expect(r).to.deep.equal({ status: 'insufficient', won: c.won, lost: c.lost, needWon: Math.max(0, 20 - c.won), needLost: Math.max(0, 20 - c.lost) });
    expect((await pool.query('SELECT count(*)::int AS n FROM scoring_models')).rows[0].n).to.equal(0);
  });

  describe('on the demo organisation\'s history', () => {
    let demo: GeneratedDemo;
    before(async () => { demo = await generateDemo(FIXED_NOW, 11); });

    it('trains from ≥ 20 won and 20 lost closed deals and reports the time-split backtest beside the static baseline', async () => {
      const r = await trainOrgModel(demo.pool, FIXED_NOW);
      expect(r.status).to.equal('learned');
      if (r.status !== 'learned') return;
      expect(r.won).to.be.at.least(20);
      expect(r.lost).to.be.at.least(20);
      const { backtest: b } = r;
      expect(b.trainCount + b.testCount).to.equal(r.won + r.lost);
      expect(b.learned.auc).to.be.a('number');
      expect(b.baseline.auc).to.be.a('number');
      // the demo's outcomes depend on the deals' actions, not on their fields
      expect(b.learned.auc!).to.be.greaterThan(b.baseline.auc!);
      expect(b.learned.brier).to.be.within(0, 0.25);
      expect(b.learned.calibration.reduce((n, x) => n + x.count, 0)).to.equal(b.testCount * b.snapshots);
    });

    it('scores open deals with the learned model, each reason a factor of the deal\'s own actions in points', async () => {
      const { rows } = await demo.pool.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id LIMIT 30`);
      const scored = await scoreOpportunities(demo.pool, rows.map((x) => Number(x.id)), FIXED_NOW);
      expect(scored.size).to.equal(rows.length);
      const { rows: stored } = await demo.pool.query(`SELECT model, reasons FROM opportunity_scores WHERE opportunity_id = ANY($1::bigint[])`, [rows.map((x) => x.id)]);
      expect(new Set(stored.map((s) => s.model))).to.deep.equal(new Set(['learned']));
      const reasons = stored.flatMap((s) => s.reasons);
      expect(reasons.length).to.be.greaterThan(0);
      for (const x of reasons) expect(x.text).to.match(/：[+-](\d+ 个百分点|不到1个百分点)$/);
      expect(new Set(reasons.map((x: any) => x.kind))).to.not.include('stage');
    });
  });
});
