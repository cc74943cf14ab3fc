import { expect } from 'chai';
import type pg from 'pg';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { idemKey, lookups } from '../actions/actions-helpers.js';

describe('数据填报准确率: what clerks report against what the POS says', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  const clock = new Date('2026-04-27T02:00:00Z'); // Monday 10:00 Shanghai
  const today = shanghaiDate(clock);
  const day = (n: number) => addCalendarDays(today, -n);
  const products: Record<string, number> = {};
  const codes: Record<string, string> = {};

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock });
    $ = lookups(pool);
    await seedRetailNetworkForReps(pool, today);
    for (const r of (await pool.query('SELECT id, sku FROM retail_products')).rows) products[r.sku] = Number(r.id);
    for (const r of (await pool.query(`SELECT s.code, u.wecom_userid FROM retail_clerks k JOIN users u ON u.id = k.user_id JOIN retail_stores s ON s.customer_id = k.store_id`)).rows) {
      codes[r.wecom_userid] = r.code;
    }
  });
  after(() => api.close());

  const enter = (as: string, sku: string, d: string, units: number) =>
    api.call('POST', '/api/retail/clerk-sales', { as, body: { productId: products[sku], day: d, units }, headers: { 'Idempotency-Key': idemKey() } });

  it('takes a clerk\'s daily figure for their own store, the day\'s latest report replacing the earlier, and refuses the absurd and the far past', async () => {
    expect((await enter('clerk.1', 'BEV-GT-500', day(1), 9)).status).to.equal(200);
    const res = await enter('clerk.1', 'BEV-GT-500', day(1), 10);
    expect(res.body).to.deep.equal({ day: day(1), units: 10, productName: '山野绿茶无糖 500ml' });
    expect(await $.count('retail_clerk_sales')).to.equal(1);
    const absurd = await enter('clerk.1', 'BEV-GT-500', day(1), 9000);
    expect(absurd.status).to.equal(400);
    expect(JSON.stringify(absurd.body)).to.contain('单品一天超过5000件');
    const old = await enter('clerk.1', 'BEV-GT-500', day(30), 1);
    expect(JSON.stringify(old.body)).to.contain('只能填报今天和之前7天的销量');
    expect((await enter('clerk.1', 'BEV-GT-500', day(2), -1)).status).to.equal(400);
    expect((await api.call('POST', '/api/retail/clerk-sales', { as: 'rep.zhao', body: { productId: products['BEV-GT-500'], day: day(1), units: 1 } })).status).to.equal(403);
  });

  it('counts a report accurate within the tolerance of the imported figure, per store and per clerk, and lists the misses', async () => {
    // clerk.1: 10 vs 10 (exact), 20 vs 25 (off by 5 > 10 % of 25), 30 vs 32 (off by 2 ≤ 3.2); clerk.2: 4 vs 5 (off by 1 ≤ 1 unit), 7 with no import yet
    await enter('clerk.1', 'BEV-LM-330', day(1), 20);
    await enter('clerk.1', 'SNK-SW-70', day(2), 30);
    await enter('clerk.2', 'BEV-GT-500', day(1), 4);
    await enter('clerk.2', 'BEV-LM-330', day(1), 7);
    const rows = [
      { storeCode: codes['clerk.1'], sku: 'BEV-GT-500', day: day(1), units: 10 },
      { storeCode: codes['clerk.1'], sku: 'BEV-LM-330', day: day(1), units: 25 },
      { storeCode: codes['clerk.1'], sku: 'SNK-SW-70', day: day(2), units: 32 },
      { storeCode: codes['clerk.2'], sku: 'BEV-GT-500', day: day(1), units: 5 },
    ];
    expect((await api.call('POST', '/api/retail/sales', { as: 'admin.lin', body: { batchId: 'pos-accuracy', rows } })).status).to.equal(200);

    const res = await api.call('GET', '/api/retail/entry-accuracy', { as: 'mgr.li' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.overall).to.deep.equal({ reported: 5, matched: 4, accurate: 3, rate: 75 });
    const byClerk = Object.fromEntries(res.body.clerks.map((c: any) => [c.name, [c.reported, c.matched, c.accurate, c.rate]]));
    expect(byClerk).to.deep.equal({ 陆小燕: [3, 3, 2, 66.7], 顾佳: [2, 1, 1, 100] });
    expect(res.body.stores.map((s: any) => s.name)).to.deep.equal(['罗森静安寺店', '全家徐家汇店']); // worst first
    expect(res.body.misses).to.deep.equal([{
      storeName: '罗森静安寺店', clerkName: '陆小燕', productName: '柠檬气泡水 330ml', day: day(1), reported: 20, imported: 25, source: 'entry',
    }]);
    expect(res.body.method).to.contain('相差不超过导入销量的10%或1件');
  });

  it('holds the tolerance the admin sets, and shows each role only the stores in its reach', async () => {
    const tight = await api.call('PUT', '/api/settings/retail.sales-data', {
      as: 'admin.lin', body: { expectedVersion: 0, value: { maxUnitsPerDay: 5000, tolerancePercent: 0, toleranceUnits: 0, entryBackDays: 7 } },
    });
    expect(tight.status, JSON.stringify(tight.body)).to.be.oneOf([200, 201]);
    const res = await api.call('GET', '/api/retail/entry-accuracy', { as: 'director.wang' });
    expect(res.body.overall).to.deep.equal({ reported: 5, matched: 4, accurate: 1, rate: 25 });
    const rep = await api.call('GET', '/api/retail/entry-accuracy', { as: 'rep.sun' });
    expect(rep.body.overall.reported).to.equal(0);
    expect((await api.call('GET', '/api/retail/entry-accuracy', { as: 'clerk.1' })).status).to.equal(403);
  });
});
