import { expect } from 'chai';
import { loadScoreFactsAt, type ScoreFacts } from '../../../core/scoring/facts.js';
import { loadScoreFactsNow } from '../../../core/scoring/facts-now.js';
import { demoAtFixedNow, FIXED_NOW } from '../seed/seed-helpers.js';

/** The facts with documents in link order, so two readings compare field by field. */
const comparable = (m: Map<number, ScoreFacts>) => new Map([...m].map(([id, f]) => [id, { ...f, documents: [...f.documents].sort((a, b) => a.linkId - b.linkId) }]));

describe('the present facts of many deals, read set-based (core/scoring/facts-now.ts)', function () {
  this.timeout(300_000);

  it('reads every open deal of the demo history exactly as the replay of each deal at that moment does', async () => {
    const { pool } = await demoAtFixedNow();
    const { rows } = await pool.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id`);
    const ids = rows.map((r) => Number(r.id));
    const now = await loadScoreFactsNow(pool, ids, FIXED_NOW);
    const replay = await loadScoreFactsAt(pool, ids.map((id) => ({ id, asOf: FIXED_NOW })));
    expect(now.size).to.equal(ids.length);
    // the demo has every kind of fact, so the comparison covers each query
    const all = [...now.values()];
    expect(all.some((f) => f.documents.some((d) => d.downloads.length > 0))).to.equal(true);
    expect(all.some((f) => f.decisionMakerMetAt !== null)).to.equal(true);
    expect(all.some((f) => f.followups30d.total > 0)).to.equal(true);
    expect(all.some((f) => f.stageNormDays !== null)).to.equal(true);
    expect(all.some((f) => f.visitEvidence.trusted + f.visitEvidence.doubtful > 0)).to.equal(true);
    expect(all.some((f) => f.procurementStep > 0)).to.equal(true);
    expect(all.some((f) => f.buyingCentre.roles > 0 && f.buyingCentre.deciderAttitude !== null)).to.equal(true);
    expect(comparable(now)).to.deep.equal(comparable(replay));
  });

  it('reads a deal that moved stage after the moment (a clock set back) as it stood then', async () => {
    const { pool } = await demoAtFixedNow();
    const { rows: [m] } = await pool.query(`SELECT m.opportunity_id AS id, m.at FROM stage_moves m JOIN opportunities o ON o.id = m.opportunity_id
      WHERE o.status = 'open' AND m.from_stage IS NOT NULL AND m.from_stage <> m.to_stage ORDER BY m.at DESC LIMIT 1`);
    const before = new Date(m.at.getTime() - 1000);
    const now = await loadScoreFactsNow(pool, [Number(m.id)], before);
    const replay = await loadScoreFactsAt(pool, [{ id: Number(m.id), asOf: before }]);
    const { rows: [o] } = await pool.query('SELECT stage_code FROM opportunities WHERE id = $1', [m.id]);
    expect(now.get(Number(m.id))!.stageCode).to.not.equal(o.stage_code);
    expect(comparable(now)).to.deep.equal(comparable(replay));
  });
});
