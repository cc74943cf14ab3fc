import { expect } from 'chai';
import type pg from 'pg';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { idemKey } from '../actions/actions-helpers.js';

/**
 * Promotions on known sales: A is promoted and sells 18 a day (10 before);
 * its matched stores B and C (same chain, format, region) go from 30 to 33 a
 * day together; D has the chain and region but another format and sells a lot
 * (must not count); E is promoted with no store to match. Price 5 元, cost 100 元.
 */
describe('promotions: uplift and ROI from the imported sales, by the pre-period and by matched stores', () => {
  let pool: pg.Pool;
  let api: TestApi;
  const clock = new Date('2026-04-27T02:00:00Z'); // Monday 10:00 Shanghai
  const today = shanghaiDate(clock);
  const startsOn = addCalendarDays(today, -6);
  const st: Record<'A' | 'B' | 'C' | 'D' | 'E', { id: number; code: string }> = {} as any;
  let promotionId: number;

  const rowsFor = (code: string, perDay: number, from: string, days: number, price = 5) =>
    Array.from({ length: days }, (_, i) => ({ storeCode: code, sku: 'BEV-GT-500', day: addCalendarDays(from, i), units: perDay, amount: perDay * price }));
  const importRows = async (batchId: string, rows: unknown[]) => {
    const res = await api.call('POST', '/api/retail/sales', { as: 'director.wang', body: { batchId, rows } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock });
    await seedRetailNetworkForReps(pool, today);
    const { rows } = await pool.query(
      `SELECT s.customer_id AS id, s.code FROM retail_stores s JOIN customers c ON c.id = s.customer_id
        WHERE c.department_id = (SELECT department_id FROM customers WHERE name = '罗森静安寺店') ORDER BY s.customer_id LIMIT 5`);
    expect(rows.length).to.equal(5);
    (['A', 'B', 'C', 'D', 'E'] as const).forEach((k, i) => { st[k] = { id: Number(rows[i].id), code: rows[i].code }; });
    await pool.query(`UPDATE retail_stores SET chain = '测试连锁', format = '便利店' WHERE customer_id = ANY($1::bigint[])`, [[st.A.id, st.B.id, st.C.id]]);
    await pool.query(`UPDATE retail_stores SET chain = '测试连锁', format = '社区店' WHERE customer_id = $1`, [st.D.id]);
    await pool.query(`UPDATE retail_stores SET chain = '独家连锁' WHERE customer_id = $1`, [st.E.id]);
    const pre = addCalendarDays(startsOn, -10);
    await importRows('history', [
      ...rowsFor(st.A.code, 10, pre, 10), ...rowsFor(st.A.code, 18, startsOn, 6),
      ...rowsFor(st.B.code, 20, pre, 10), ...rowsFor(st.B.code, 22, startsOn, 6),
      ...rowsFor(st.C.code, 10, pre, 10), ...rowsFor(st.C.code, 11, startsOn, 6),
      ...rowsFor(st.D.code, 100, pre, 10), ...rowsFor(st.D.code, 500, startsOn, 6),
      ...rowsFor(st.E.code, 5, pre, 16),
      // another product at A does not count
      ...rowsFor(st.A.code, 99, startsOn, 6).map((r) => ({ ...r, sku: 'SNK-NT-150' })),
    ]);
  });
  after(() => api.close());

  it('a manager starts a promotion; while it runs its uplift and ROI are there by both methods, with the method in Chinese', async () => {
    const product = Number((await pool.query(`SELECT id FROM retail_products WHERE sku = 'BEV-GT-500'`)).rows[0].id);
    const res = await api.call('POST', '/api/retail/promotions', {
      as: 'mgr.li', headers: { 'Idempotency-Key': idemKey() },
      body: { name: '绿茶第二件半价', storeIds: [st.A.id, st.E.id], productIds: [product], startsOn, endsOn: addCalendarDays(today, 3), cost: 100 },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    promotionId = res.body.id;
    expect(res.body).to.include({ status: 'running', statusLabel: '进行中', dataThrough: addCalendarDays(today, -1), days: 6, preFrom: addCalendarDays(startsOn, -6), unitPrice: 5 });
    expect(res.body.prePeriod).to.deep.equal({ baseline: 90, actual: 138, uplift: 48, upliftPercent: 53.3, incrementalRevenue: 240, roi: 2.4, stores: 2 });
    expect(res.body.matched).to.deep.equal({ baseline: 66, actual: 108, uplift: 42, upliftPercent: 63.6, incrementalRevenue: 210, roi: 2.1, stores: 1 });
    const a = res.body.perStore.find((s: any) => s.storeId === st.A.id);
    expect(a.controls).to.have.length(2);
    expect(res.body.unmatched).to.have.length(1);
    expect(res.body.method.join('')).to.contain('同连锁、同业态、同区域、未参加促销的门店');
  });

  it('moves as the next day\'s POS data is imported: computed on read, not stored', async () => {
    await importRows('today', [...rowsFor(st.A.code, 28, today, 1), ...rowsFor(st.E.code, 5, today, 1)]);
    const res = await api.call('GET', `/api/retail/promotions/${promotionId}`, { as: 'mgr.li' });
    expect(res.body).to.include({ dataThrough: today, days: 7 });
    // pre-period: 7 days of A (10) and E (5) = 105; actual 138 + 28 + 5
    expect(res.body.prePeriod).to.include({ baseline: 105, actual: 171, uplift: 66 });
  });

  it('leaves out of the matched comparison a matched store running its own promotion of the same product, and names it', async () => {
    const [gt, nuts] = await Promise.all(['BEV-GT-500', 'SNK-NT-150'].map(async (sku) => Number((await pool.query('SELECT id FROM retail_products WHERE sku = $1', [sku])).rows[0].id)));
    const promote = (name: string, productId: number) => api.call('POST', '/api/retail/promotions', {
      as: 'mgr.li', headers: { 'Idempotency-Key': idemKey() },
      body: { name, storeIds: [st.C.id], productIds: [productId], startsOn: addCalendarDays(today, -3), endsOn: today, cost: 50 },
    });
    // another product's promotion at C does not touch this one's comparison
    expect((await promote('坚果满减', nuts)).status).to.equal(201);
    const before = (await api.call('GET', `/api/retail/promotions/${promotionId}`, { as: 'mgr.li' })).body;
    expect(before.perStore.find((x: any) => x.storeId === st.A.id).controls).to.have.length(2);
    expect(before.excludedControls).to.deep.equal([]);

    expect((await promote('C店绿茶特价', gt)).status).to.equal(201);
    const res = await api.call('GET', `/api/retail/promotions/${promotionId}`, { as: 'mgr.li' });
    const cName = (await pool.query('SELECT name FROM customers WHERE id = $1', [st.C.id])).rows[0].name;
    const a = res.body.perStore.find((x: any) => x.storeId === st.A.id);
    expect(a.controls).to.have.length(1).and.not.include(cName);
    expect(res.body.excludedControls).to.deep.equal([{ name: cName, promotion: 'C店绿茶特价' }]);
    // A's 7 pre days at 10 scaled by B alone (140 → 132): 66; A sold 6 × 18 + 28
    expect(res.body.matched).to.include({ baseline: 66, actual: 136, uplift: 70, stores: 1 });
    expect(res.body.method.join('')).to.contain('自己也在做同一商品的促销，不作为匹配门店');
  });

  it('edits a running promotion\'s cost and end, ends it early, each change kept with who and when; nothing changes after it ended', async () => {
    const mgr = (await pool.query(`SELECT name FROM users WHERE wecom_userid = 'mgr.li'`)).rows[0].name;
    const get = async () => (await api.call('GET', `/api/retail/promotions/${promotionId}`, { as: 'mgr.li' })).body;
    const v1 = await get();
    expect(v1).to.include({ version: 1, mayEdit: true, plannedEndsOn: null, endedBy: null });
    const patch = (body: unknown, as = 'mgr.li') => api.call('PATCH', `/api/retail/promotions/${promotionId}`, { as, body });
    const edited = await patch({ version: 1, cost: 150, endsOn: addCalendarDays(today, 5) });
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body).to.include({ version: 2, cost: 150, endsOn: addCalendarDays(today, 5) });
    expect(edited.body.history).to.have.length(1);
    expect(edited.body.history[0]).to.include({ by: mgr, at: clock.toISOString() });
    expect(edited.body.history[0].summary).to.match(/^费用 100元 → 150元；结束日期 \d+月\d+日 → \d+月\d+日$/);
    // the ROI follows the cost: 66 extra units × 5 元 ÷ 150
    expect(edited.body.prePeriod.roi).to.equal(2.2);

    const stale = await patch({ version: 1, name: '改名' });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('CONFLICT');
    const stores = await patch({ version: 2, storeIds: [st.A.id] });
    expect(stores.status).to.equal(409);
    expect(stores.body.error.code).to.equal('PROMOTION_STARTED');
    expect((await patch({ version: 2, cost: 1 }, 'rep.zhao')).status).to.equal(403);
    expect((await get()).version).to.equal(2);

    const end = (body: unknown) => api.call('POST', `/api/retail/promotions/${promotionId}/end`, { as: 'mgr.li', body, headers: { 'Idempotency-Key': idemKey() } });
    const tooEarly = await end({ version: 2, lastDay: addCalendarDays(startsOn, -1) });
    expect(tooEarly.status).to.equal(400);
    expect(JSON.stringify(tooEarly.body)).to.contain('最后一天应在');
    const ended = await end({ version: 2, lastDay: addCalendarDays(today, -1) });
    expect(ended.status, JSON.stringify(ended.body)).to.equal(200);
    expect(ended.body).to.include({
      status: 'ended', statusLabel: '已提前结束', endsOn: addCalendarDays(today, -1), plannedEndsOn: addCalendarDays(today, 5),
      dataThrough: addCalendarDays(today, -1), days: 6, mayEdit: false, version: 3,
    });
    expect(ended.body.endedBy).to.deep.equal({ name: mgr, at: clock.toISOString() });
    expect(ended.body.history[1].summary).to.match(/^提前结束：最后一天 \d+月\d+日（原定 \d+月\d+日）$/);
    const after = await patch({ version: 3, name: '再改' });
    expect(after.status).to.equal(409);
    expect(after.body.error.code).to.equal('PROMOTION_ENDED');
    expect((await end({ version: 3 })).body.error.code).to.equal('PROMOTION_ENDED');
  });

  it('refuses a period that ends before it starts and a store out of reach, and lets neither a rep nor a clerk start one', async () => {
    const product = Number((await pool.query(`SELECT id FROM retail_products WHERE sku = 'BEV-GT-500'`)).rows[0].id);
    const body = { name: '试', storeIds: [st.A.id], productIds: [product], startsOn: today, endsOn: addCalendarDays(today, -1), cost: 10 };
    const backwards = await api.call('POST', '/api/retail/promotions', { as: 'mgr.li', body });
    expect(backwards.status).to.equal(400);
    expect(JSON.stringify(backwards.body)).to.contain('结束日期不能早于开始日期');
    const { rows: [west] } = await pool.query(`SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE c.department_id <> (SELECT department_id FROM customers WHERE name = '罗森静安寺店') LIMIT 1`);
    const outside = await api.call('POST', '/api/retail/promotions', { as: 'mgr.li', body: { ...body, storeIds: [Number(west.id)], endsOn: today } });
    expect(outside.status).to.equal(404);
    expect((await api.call('POST', '/api/retail/promotions', { as: 'rep.zhao', body: { ...body, endsOn: today } })).status).to.equal(403);
    expect((await api.call('GET', `/api/retail/promotions/${promotionId}`, { as: 'clerk.1' })).status).to.equal(403);
    expect((await api.call('GET', `/api/retail/promotions/${promotionId}`, { as: 'rep.wu' })).status).to.equal(404);
  });
});
