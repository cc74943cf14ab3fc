import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { configState } from './support/config-state.js';

const READS = [
  '/api/action-definitions', '/api/action-definitions/visit', '/api/pipelines', '/api/pipelines/sales', '/api/keyword-libraries',
  '/api/keyword-libraries/pain_points', '/api/holidays', '/api/holidays?year=2026', '/api/alert-rules', '/api/dashboard-settings',
  '/api/settings', '/api/settings/flow.action-definition:visit', '/api/settings/followup.standard?customerType=store',
];

/**
 * Configuration is read by everyone signed in; it changes only through the
 * settings mechanism (its permission matrix: test/integration/settings). The
 * bespoke write routes are gone, so no second way to change it exists.
 */
describe('configuration: everyone reads, nothing is written around the settings', () => {
  let api: TestApi;
  let pool: pg.Pool;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  for (const user of ['rep.zhao', 'mgr.li', 'director.wang', 'compliance.he', 'admin.lin']) {
    it(`lets ${user} read every configuration`, async () => {
      for (const p of READS) {
        const res = await api.call('GET', p, { as: user });
        expect(res.status, `${p} as ${user}: ${JSON.stringify(res.body).slice(0, 200)}`).to.equal(200);
      }
    });
  }

  it('offers no write besides the settings: the old routes change nothing, even for the admin', async () => {
    const before = await configState(pool);
    for (const [method, path] of [
      ['PUT', '/api/action-definitions/visit'], ['PUT', '/api/pipelines/sales'], ['PUT', '/api/keyword-libraries/pain_points'],
      ['PUT', '/api/holidays/2026'], ['PATCH', '/api/alert-rules/silence'], ['PUT', '/api/followup-standards/store'], ['PUT', '/api/dashboard-settings'],
    ]) {
      const res = await api.call(method, path, { as: 'admin.lin', body: {} });
      expect(res.status, `${method} ${path}`).to.be.oneOf([404, 405]);
    }
    expect(await configState(pool)).to.deep.equal(before);
  });

  it('lets only those who may edit an action type dry-run its rules (the preview of that setting)', async () => {
    const rules = (await api.call('GET', '/api/action-definitions/visit', { as: 'admin.lin' })).body.active.rules;
    for (const user of ['rep.zhao', 'mgr.li', 'director.wang', 'compliance.he']) {
      const res = await api.call('POST', '/api/action-definitions/visit/dry-run', { as: user, body: { rules, days: 30 } });
      expect(res.status, user).to.equal(403);
      expect(res.body.error.message).to.contain('事项类型与提交规则');
    }
    expect((await api.call('POST', '/api/action-definitions/visit/dry-run', { as: 'admin.lin', body: { rules, days: 30 } })).status).to.equal(200);
  });
});
