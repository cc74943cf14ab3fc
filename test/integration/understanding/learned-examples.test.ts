import { expect } from 'chai';
import type pg from 'pg';
import { recordAnswer } from '../../../core/understanding/learned/org-examples.js';
import { readForOrganisation, refreshOrgReader, retrainOrgReader } from '../../../core/understanding/learned/org-reader.js';
import { TABLE_NOW } from '../../../core/understanding/learned/training-set.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/**
 * Issue #24: the organisation's learned reader — retrained from the public table and what its reps answered,
 * timed and cross-validated; its examples listed, removed and restored by admins; its thresholds a setting.
 */
describe('the organisation\'s learned reader', () => {
  let pool: pg.Pool;
  let api: TestApi;
  const ctx = { now: TABLE_NOW, contacts: [], asked: '-' as const };

  beforeEach(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool, now: () => TABLE_NOW });
  });
  afterEach(async () => { await api.close(); });

  async function teach(text: string, label: string): Promise<void> {
    const { rows: [rep] } = await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`);
    await recordAnswer(pool, { text, ctx, label, offered: [label, 'role:决策者'], source: 'chosen', userId: Number(rep.id), at: TABLE_NOW });
  }

  it('reads a phrasing like one a rep explained once it is retrained on the answer, and not before', async () => {
    await refreshOrgReader(pool, TABLE_NOW);
    const similar = '李梅这人真难伺候';
    expect(readForOrganisation(similar, ctx)).to.not.deep.include({ label: 'stance:反对', verdict: 'act' });
    await teach('杨娟这人特别难伺候', 'stance:反对');
    await refreshOrgReader(pool, TABLE_NOW);
    // the same words are read as answered at once; similar ones wait for the retraining
    expect(readForOrganisation('周红这人特别难伺候', ctx)).to.deep.include({ label: 'stance:反对', verdict: 'act' });
    expect(readForOrganisation(similar, ctx)).to.not.deep.include({ label: 'stance:反对', verdict: 'act' });
    const run = await retrainOrgReader(pool, { now: TABLE_NOW, trigger: 'on_demand' });
    expect(run.examples).to.equal(1);
    expect(run.publicLines).to.be.greaterThan(800);
    expect(readForOrganisation(similar, ctx)).to.deep.include({ label: 'stance:反对', verdict: 'act' });
  });

  it('lets admins list, remove and restore what was learned, and retrain with the time and cross-validation shown; reps may not', async () => {
    await teach('杨娟这人特别难伺候', 'stance:反对');
    expect((await api.call('GET', '/api/understanding/examples', { as: 'rep.zhao' })).status).to.equal(403);
    const list = await api.call('GET', '/api/understanding/examples', { as: 'admin.lin' });
    expect(list.status).to.equal(200);
    const [example] = list.body.items;
    expect(example).to.deep.include({ text: '杨娟这人特别难伺候', label: 'stance:反对', reading: '记下对方的态度“反对”', source: 'chosen', removedAt: null });
    expect(example.userName).to.be.a('string');
    expect(example.offered).to.deep.equal(['记下对方的态度“反对”', '记下决策链角色“决策者”']);

    const removed = await api.call('POST', `/api/understanding/examples/${example.id}/remove`, { as: 'admin.lin' });
    expect(removed.status).to.equal(200);
    expect(removed.body.removedByName).to.equal('林涛');
    await refreshOrgReader(pool, TABLE_NOW);
    expect(readForOrganisation('周红这人特别难伺候', ctx).why[0]?.feature).to.not.equal('同样的说法已由业务员回答过');
    expect((await api.call('POST', '/api/understanding/examples/999999/remove', { as: 'admin.lin' })).status).to.equal(404);

    const trained = await api.call('POST', '/api/understanding/retrain', { as: 'admin.lin' });
    expect(trained.status).to.equal(200);
    expect(trained.body.examples).to.equal(0);
    expect(trained.body.trainMs).to.be.greaterThan(0);
    expect(trained.body.cvAccuracy).to.be.within(0.6, 1);
    const restored = await api.call('POST', `/api/understanding/examples/${example.id}/restore`, { as: 'admin.lin' });
    expect(restored.body.removedAt).to.equal(null);
    const after = await api.call('GET', '/api/understanding/examples', { as: 'admin.lin' });
    expect(after.body.trainings.map((t: { trigger: string; examples: number }) => [t.trigger, t.examples])).to.deep.equal([['on_demand', 0]]);
    expect((await api.call('POST', '/api/understanding/retrain', { as: 'rep.zhao' })).status).to.equal(403);
  });

  it('takes its thresholds from the setting, previewing how many public lines would be read differently', async () => {
    const preview = await api.call('POST', '/api/settings/understanding.learned-reader/preview', {
      as: 'admin.lin', body: { scope: { departmentId: null, customerType: null }, value: { confidencePct: 90, marginPct: 20, askFloorPct: 35 } },
    });
    expect(preview.status).to.equal(200);
    const [, n] = /^按新阈值，公开语料 \d+ 句中 (\d+) 句的读法会变/.exec(preview.body.summary) ?? [];
    expect(Number(n), preview.body.summary).to.be.greaterThan(0);
    expect(preview.body.lines[0]).to.match(/：直接记录 → 先问/);
    const bad = await api.call('PUT', '/api/settings/understanding.learned-reader', {
      as: 'admin.lin', body: { scope: { departmentId: null, customerType: null }, expectedVersion: 0, value: { confidencePct: 50, marginPct: 20, askFloorPct: 60 } },
    });
    expect(bad.status).to.equal(400);
    const saved = await api.call('PUT', '/api/settings/understanding.learned-reader', {
      as: 'admin.lin', body: { scope: { departmentId: null, customerType: null }, expectedVersion: 0, value: { confidencePct: 99, marginPct: 60, askFloorPct: 35 } },
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    await refreshOrgReader(pool, TABLE_NOW);
    // sure at 0.9 by default; below the new 99 % it is asked instead
    expect(readForOrganisation('杨娟早就不干这行了', ctx).verdict).to.equal('ask');
  });
});
