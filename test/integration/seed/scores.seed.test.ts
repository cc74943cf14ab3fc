import { expect } from 'chai';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: win scores with their history', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('scores every open deal as of now, with weekly points before it since the deal began', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT count(*)::int AS open, count(s.opportunity_id)::int AS scored,
             bool_and(s.computed_at = $1) AS now, min((SELECT count(*) FROM opportunity_score_history h WHERE h.opportunity_id = o.id))::int AS min_points
        FROM opportunities o LEFT JOIN opportunity_scores s ON s.opportunity_id = o.id WHERE o.status = 'open'`, [demo.now]);
    expect(r.scored).to.equal(r.open);
    expect(r.now).to.equal(true);
    expect(r.min_points).to.be.at.least(1);
    const { rows: [h] } = await demo.pool.query(`
      SELECT bool_and(h.at >= o.created_at AND h.at <= $1) AS in_life, max(n)::int AS most
        FROM opportunity_score_history h JOIN opportunities o ON o.id = h.opportunity_id
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM opportunity_score_history x WHERE x.opportunity_id = h.opportunity_id) c`, [demo.now]);
    expect(h.in_life).to.equal(true);
    expect(h.most).to.be.at.least(3);
  });

  it('moves scores with the deals\' actions: some deals carry reasons, and not all scores are their stage\'s base', async () => {
    const { rows } = await demo.pool.query(`SELECT probability, base, jsonb_array_length(reasons) AS n FROM opportunity_scores`);
    expect(rows.filter((r) => r.n > 0).length).to.be.greaterThan(rows.length / 4);
    expect(rows.filter((r) => Math.abs(r.probability - r.base) > 0.01).length).to.be.greaterThan(0);
  });
});
