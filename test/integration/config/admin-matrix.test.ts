import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { configState } from './support/config-state.js';

interface Write { operationId: string; method: string; path: string; body: unknown; status: number }

/** One valid, real change per configuration write: refused for everyone but the admin. */
async function validWrites(api: TestApi): Promise<Write[]> {
  const get = async (p: string) => (await api.call('GET', p, { as: 'admin.lin' })).body;
  const visit = (await get('/api/action-definitions/visit')).active;
  const pipeline = (await get('/api/pipelines/sales')).definition;
  const library = await get('/api/keyword-libraries/pain_points');
  const holidays = await get('/api/holidays?year=2026');
  return [
    { operationId: 'updateActionDefinition', method: 'PUT', path: '/api/action-definitions/visit', status: 200,
      body: { code: 'visit', name: visit.name, rules: visit.rules, dueWorkingDays: visit.dueWorkingDays + 1, escalation: visit.escalation } },
    { operationId: 'dryRunRule', method: 'POST', path: '/api/action-definitions/visit/dry-run', status: 200, body: { rules: visit.rules, days: 30 } },
    { operationId: 'updatePipeline', method: 'PUT', path: '/api/pipelines/sales', status: 200, body: { ...pipeline, name: '销售管理系统（新）' } },
    { operationId: 'updateKeywordLibrary', method: 'PUT', path: '/api/keyword-libraries/pain_points', status: 200, body: { words: [...library.words, '结算周期'] } },
    { operationId: 'updateHolidays', method: 'PUT', path: '/api/holidays/2026', status: 200,
      body: { days: holidays.days.slice(1).map((d: any) => ({ day: d.day, kind: d.kind, ...(d.name ? { name: d.name } : {}) })) } },
    { operationId: 'updateAlertRule', method: 'PATCH', path: '/api/alert-rules/silence', status: 200, body: { params: { days: 10 } } },
  ];
}

const READS = [
  '/api/action-definitions', '/api/action-definitions/visit', '/api/pipelines', '/api/pipelines/sales', '/api/keyword-libraries',
  '/api/keyword-libraries/pain_points', '/api/holidays', '/api/holidays?year=2026', '/api/alert-rules',
];

describe('configuration permissions: only admins change, everyone reads', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let writes: Write[];

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    writes = await validWrites(api);
  });
  after(() => api.close());

  for (const user of ['rep.zhao', 'mgr.li', 'director.wang', 'compliance.he']) {
    it(`refuses every configuration write by ${user} with 403 and changes nothing`, async () => {
      const before = await configState(pool);
      for (const w of writes) {
        const res = await api.call(w.method, w.path, { as: user, body: w.body });
        expect(res.status, `${w.operationId} as ${user}: ${JSON.stringify(res.body)}`).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      }
      expect(await configState(pool)).to.deep.equal(before);
    });
  }

  for (const user of ['rep.zhao', 'mgr.li', 'director.wang', 'compliance.he', 'admin.lin']) {
    it(`lets ${user} read every configuration`, async () => {
      for (const p of READS) {
        const res = await api.call('GET', p, { as: user });
        expect(res.status, `${p} as ${user}: ${JSON.stringify(res.body).slice(0, 200)}`).to.equal(200);
      }
    });
  }

  it('applies the same writes for the admin, each leaving one config.updated event (the dry-run writes nothing)', async () => {
    const eventsBefore = (await pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'config.updated'`)).rows[0].n;
    for (const w of writes) {
      const res = await api.call(w.method, w.path, { as: 'admin.lin', body: w.body });
      expect(res.status, `${w.operationId}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(w.status);
    }
    const { rows } = await pool.query(
      `SELECT e.entity_type, u.wecom_userid FROM events e JOIN users u ON u.id = e.actor_id WHERE e.type = 'config.updated' ORDER BY e.id OFFSET $1`, [eventsBefore]);
    expect(rows.map((r) => r.entity_type)).to.deep.equal(['action_definition', 'pipeline', 'keyword_library', 'holiday_calendar', 'alert_rule']);
    expect(rows.every((r) => r.wecom_userid === 'admin.lin')).to.equal(true);
  });

  it('answers 401 on configuration writes without a session', async () => {
    for (const w of writes) expect((await api.call(w.method, w.path, { body: w.body })).status).to.equal(401);
  });
});
