import { expect } from 'chai';
import { loadConfig } from '../../../core/config.js';
import { logger } from '../../../core/logger.js';
import { resetDemo } from '../../../core/seed/demo-history.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { FIXED_NOW, generateDemo } from './seed-helpers.js';

describe('重置演示数据 (POST /api/demo/reset)', function () {
  this.timeout(180_000);
  const apis: TestApi[] = [];
  after(async () => { for (const a of apis) await a.close(); });

  it('is refused (409, nothing emptied) by a process that was not handed the reset — tests, external databases, WeCom mode', async () => {
    const { pool } = await freshDatabase(2);
    const api = await startTestApi({ pool });
    apis.push(api);
    const before = (await pool.query('SELECT count(*)::int AS n FROM customers')).rows[0].n;
    const state = await api.call('GET', '/api/demo', { as: 'admin.lin' });
    expect(state.body.canReset).to.equal(false);
    const res = await api.call('POST', '/api/demo/reset', { as: 'admin.lin' });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('DEMO_RESET_UNAVAILABLE');
    expect((await pool.query('SELECT count(*)::int AS n FROM customers')).rows[0].n).to.equal(before);
    expect((await api.call('POST', '/api/demo/reset', { as: 'director.wang' })).status).to.equal(403);
  });

  it('starts the demo over for an admin: what anyone entered is gone, the history is back as of today', async () => {
    const demo = await generateDemo(FIXED_NOW);
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'seed-secret-0123456789abcdef' });
    const reset = () => resetDemo(demo.pool, { now: FIXED_NOW, storage: demo.storage, system: { config, logger } });
    const api = await startTestApi({ pool: demo.pool, now: () => FIXED_NOW, deps: { resetDemo: reset } });
    apis.push(api);
    const counts = async () => (await demo.pool.query(
      `SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM actions)::int AS actions, (SELECT count(*) FROM alerts)::int AS alerts`)).rows[0];
    const fresh = await counts();
    await demo.pool.query(`INSERT INTO leads (title, company) VALUES ('演示时录入的线索', '某公司')`);
    const state = await api.call('GET', '/api/demo', { as: 'admin.lin' });
    expect(state.body).to.deep.include({ canReset: true, today: '2026-11-18' });
    expect((await api.call('POST', '/api/demo/reset', { as: 'rep.zhao' })).status).to.equal(403);
    const signIns = async () => (await demo.pool.query(`SELECT count(*)::int AS n FROM auth_log WHERE kind = 'sign_in'`)).rows[0].n;
    const signedIn = await signIns();
    const res = await api.call('POST', '/api/demo/reset', { as: 'admin.lin' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(signedIn).to.be.greaterThan(0);
    expect(await signIns()).to.equal(signedIn);
    expect(res.body.summary).to.equal('演示数据已重置：已生成截至11月18日的近90天业务记录');
    expect(await counts()).to.deep.equal(fresh);
    // the admin's session survives (the same people come back with the same ids), and the sign-in log with it
    expect((await api.call('GET', '/api/demo', { as: 'admin.lin' })).status).to.equal(200);
  });
});
