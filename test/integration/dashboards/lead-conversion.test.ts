import { expect } from 'chai';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { buildFixture, NOW, type Fixture } from './fixture.js';

/**
 * 线索→商机 counts a lead of the period by the opportunity it produced by the
 * period's end — not by a status anyone can set. Fixture: March leads L1–L5,
 * L1 and L3 with opportunities → 2/5.
 */
describe('dashboards: 线索→商机 counts leads that produced an opportunity', () => {
  let fx: Fixture;
  let api: TestApi;

  before(async function () {
    this.timeout(120_000);
    fx = await buildFixture();
    api = await startTestApi({ pool: fx.pool, now: () => NOW });
  });
  after(async () => { await api?.close(); });

  const march = async () => {
    const res = await api.call('GET', '/api/dashboards?month=2026-03', { as: 'director.wang' });
    const f = res.body.items.find((i: any) => i.metric === 'lead_conversion');
    return [f.numerator, f.denominator];
  };
  const newDeal = async (leadId: number, createdAt: string) => fx.pool.query(
    `INSERT INTO opportunities (name, customer_id, lead_id, owner_id, pipeline_id, stage_code, created_at, stage_entered_at)
     SELECT '由线索转来', $1, $2, $3, id, 'lead_qualified', $4, $4 FROM pipelines WHERE is_default`,
    [fx.customer.C1, leadId, fx.user.zhao, createdAt]);

  it('ignores a lead marked 已转化 that has no opportunity, and one whose opportunity came after the period', async () => {
    expect(await march()).to.deep.equal([2, 5]);
    await fx.pool.query(`UPDATE leads SET status = 'converted', converted_at = '2026-03-19T10:00+08' WHERE id = $1`, [fx.lead.L5]);
    await newDeal(fx.lead.L2, '2026-04-02T10:00+08');
    expect(await march()).to.deep.equal([2, 5]);
  });

  it('counts a lead whose opportunity was made within the period, whatever its status says', async () => {
    await newDeal(fx.lead.L4, '2026-03-19T15:00+08');
    expect(await march()).to.deep.equal([3, 5]);
    const rows = await api.call('GET', '/api/dashboards/lead_conversion/records?month=2026-03', { as: 'director.wang' });
    expect(rows.status, JSON.stringify(rows.body).slice(0, 300)).to.equal(200);
    const hits = rows.body.items.filter((r: any) => r.hit).map((r: any) => r.id).sort((a: number, b: number) => a - b);
    expect(hits).to.deep.equal([fx.lead.L1, fx.lead.L3, fx.lead.L4].sort((a, b) => a - b));
  });
});
