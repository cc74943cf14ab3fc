import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { settingsClient } from '../settings/support/settings-client.js';
import { configState } from './support/config-state.js';

describe('editing the pipeline (the flow.pipeline setting)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let eight: any;
  const put = async (definition: unknown, as = 'admin.lin') => {
    const res = await settingsClient(api).save(as, 'flow.pipeline:sales', definition);
    return res.status === 200 ? { ...res, body: (await api.call('GET', '/api/pipelines/sales', { as })).body } : res;
  };
  /** Five stages: the last three (delivery, collection, after-sales) folded away. */
  const five = () => ({ ...eight, stages: eight.stages.slice(0, 5) });

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    const res = await api.call('GET', '/api/pipelines/sales', { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    eight = res.body.definition;
  });
  after(() => api.close());

  it('reads the default pipeline with its 8 stages, by the row code or the definition code', async () => {
    expect(eight.stages).to.have.length(8);
    const byDefinitionCode = await api.call('GET', '/api/pipelines/sales_default', { as: 'mgr.li' });
    expect(byDefinitionCode.body.code).to.equal('sales');
    expect((await api.call('GET', '/api/pipelines/nope', { as: 'mgr.li' })).status).to.equal(404);
  });

  it('refuses 8 → 5 stages while open opportunities sit in a removed stage (422 naming them), changing nothing', async () => {
    const opp = (await pool.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id LIMIT 2`)).rows.map((r) => r.id);
    await pool.query(`UPDATE opportunities SET stage_code = 'delivery', sub_stage_code = NULL WHERE id = $1`, [opp[0]]);
    await pool.query(`UPDATE opportunities SET stage_code = 'collection', sub_stage_code = NULL WHERE id = $1`, [opp[1]]);
    const before = await configState(pool);
    const res = await put(five());
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('PIPELINE_STAGE_IN_USE');
    expect(res.body.error.message).to.contain('交付实施').and.contain('回款');
    const { rows: open } = await pool.query(
      `SELECT stage_code, count(*)::int AS n FROM opportunities WHERE status = 'open' AND stage_code IN ('delivery','collection','after_sales') GROUP BY 1 ORDER BY 1`);
    const stages = res.body.error.details.stages.map((s: any) => [s.stageKey, s.openOpportunities]);
    expect(stages).to.have.deep.members(open.map((r) => [r.stage_code, r.n]));
    expect(stages.map((s: any) => s[0])).to.include.members(['delivery', 'collection']);
    expect(await configState(pool)).to.deep.equal(before);
  });

  it('accepts 8 → 5 once no open opportunity sits there (a won one may), then 5 → 8 again; each is a version and an event', async () => {
    await pool.query(`UPDATE opportunities SET status = 'won', closed_at = now() WHERE stage_code = 'delivery'`);
    await pool.query(`UPDATE opportunities SET stage_code = 'contract' WHERE stage_code IN ('collection', 'after_sales') AND status = 'open'`);
    const down = await put(five());
    expect(down.status, JSON.stringify(down.body)).to.equal(200);
    expect(down.body.definition.stages).to.have.length(5);
    expect(down.body.version).to.equal(2);
    const up = await put(eight);
    expect(up.status).to.equal(200);
    expect(up.body.definition.stages).to.have.length(8);
    expect(up.body.version).to.equal(3);
    const [again, folded] = (await settingsClient(api).versions('rep.zhao', 'flow.pipeline:sales')).body.items;
    expect(folded.changes).to.deep.equal(['阶段：8 项 → 5 项']);
    expect(again.changes).to.deep.equal(['阶段：5 项 → 8 项']);
  });

  it('refuses removing a sub-stage an open opportunity sits in', async () => {
    const { rows: [o] } = await pool.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id LIMIT 1`);
    await pool.query(`UPDATE opportunities SET stage_code = 'negotiation', sub_stage_code = 'legal_review' WHERE id = $1`, [o.id]);
    const edited = structuredClone(eight);
    const negotiation = edited.stages.find((s: any) => s.key === 'negotiation');
    negotiation.subStages = negotiation.subStages.filter((s: any) => s.key !== 'legal_review');
    const res = await put(edited);
    expect(res.status).to.equal(422);
    expect(res.body.error.details.stages[0]).to.include({ stageKey: 'negotiation', subStageKey: 'legal_review', name: '商务谈判·法务审核' });
  });

  it('validates with PipelineSchema: duplicate stage keys and unknown properties → 400', async () => {
    const dup = await put({ ...eight, stages: [eight.stages[0], eight.stages[0]] });
    expect(dup.status).to.equal(400);
    expect(dup.body.error.details[0].message).to.contain('不能重复');
    const preview = await settingsClient(api).preview('admin.lin', 'flow.pipeline:sales', five());
    expect(preview.body.lines).to.include.members(['删除：交付实施（进行中商机 0 个）']);
    const extra = await put({ ...eight, colour: 'red' });
    expect(extra.status).to.equal(400);
  });
});
