import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiDate } from '../../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

describe('patrol plans: each inspector\'s stores × frequency, kept by whoever manages them', () => {
  let pool: pg.Pool;
  let api: TestApi;
  const clock = new Date('2026-04-28T02:00:00Z');
  const idOf = async (name: string) => Number((await pool.query('SELECT id FROM customers WHERE name = $1', [name])).rows[0].id);
  const userId = async (login: string) => Number((await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [login])).rows[0].id);

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock });
    await seedRetailNetworkForReps(pool, shanghaiDate(clock));
  });
  after(() => api.close());

  it('lets the region\'s manager read their inspectors\' plans and save one: a store moved in, another out, a frequency changed; the route follows', async () => {
    const plans = await api.call('GET', '/api/retail/patrol-plans', { as: 'mgr.li' });
    expect(plans.status, JSON.stringify(plans.body)).to.equal(200);
    const shanghai = plans.body.inspectors.find((i: any) => i.position === '巡店督导 · 华东区 上海');
    expect(shanghai.stores.map((s: any) => s.everyDays)).to.satisfy((xs: number[]) => xs.every((d) => d === 7));
    expect(plans.body.inspectors.some((i: any) => i.position?.includes('北京'))).to.equal(false);
    const [jingan, xujiahui, nanjing] = await Promise.all(['罗森静安寺店', '全家徐家汇店', '苏宁小店新街口店'].map(idOf));
    const saved = await api.call('PUT', `/api/retail/patrol-plans/${shanghai.id}`, {
      as: 'mgr.li', body: { stores: [{ storeId: jingan, everyDays: 3 }, { storeId: nanjing, everyDays: 14 }] },
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body.stores.map((s: any) => [s.name, s.everyDays])).to.deep.equal([['罗森静安寺店', 3], ['苏宁小店新街口店', 14]]);
    const route = await api.call('GET', '/api/retail/patrol-route', { as: 'inspector.1' });
    expect([...route.body.route, ...route.body.later].map((s: any) => s.store.id).sort()).to.deep.equal([jingan, nanjing].sort());
    expect(route.body.route.find((s: any) => s.store.id === jingan).everyDays).to.equal(3);
    expect((await api.call('GET', `/api/retail/stores`, { as: 'inspector.1' })).body.items.map((s: any) => s.id)).to.not.include(xujiahui);
  });

  it('refuses a store out of reach, a frequency outside 1–90 days and an inspector of another region, changing nothing; reps and inspectors may not plan', async () => {
    const inspector = await userId('inspector.1');
    const before = (await pool.query('SELECT store_id, every_days FROM retail_inspector_stores WHERE inspector_id = $1 ORDER BY store_id', [inspector])).rows;
    const beijing = await idOf('便利蜂中关村店');
    const far = await api.call('PUT', `/api/retail/patrol-plans/${inspector}`, { as: 'mgr.li', body: { stores: [{ storeId: beijing, everyDays: 7 }] } });
    expect(far.status).to.equal(404);
    expect(far.body.error).to.include({ code: 'STORE_NOT_FOUND', message: '有门店不存在或不在你的管辖范围内，巡店计划未保存' });
    const often = await api.call('PUT', `/api/retail/patrol-plans/${inspector}`, { as: 'mgr.li', body: { stores: [{ storeId: before[0].store_id, everyDays: 0 }] } });
    expect(often.status).to.equal(400);
    expect(JSON.stringify(often.body)).to.contain('巡店频率应在1–90天之间');
    const { rows: [other] } = await pool.query(`SELECT u.id FROM users u WHERE u.role = 'inspector' AND u.position LIKE '%北京%'`);
    const notMine = await api.call('PUT', `/api/retail/patrol-plans/${other.id}`, { as: 'mgr.li', body: { stores: [] } });
    expect(notMine.status).to.equal(404);
    expect(notMine.body.error.code).to.equal('INSPECTOR_NOT_FOUND');
    expect((await api.call('GET', '/api/retail/patrol-plans', { as: 'rep.zhao' })).status).to.equal(403);
    expect((await api.call('PUT', `/api/retail/patrol-plans/${inspector}`, { as: 'inspector.1', body: { stores: [] } })).status).to.equal(403);
    expect((await pool.query('SELECT store_id, every_days FROM retail_inspector_stores WHERE inspector_id = $1 ORDER BY store_id', [inspector])).rows).to.deep.equal(before);
  });
});
