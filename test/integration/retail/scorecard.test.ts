import { expect } from 'chai';
import type pg from 'pg';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { raiseStoreFixes } from '../../../core/retail/store-fixes.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { idemKey } from '../actions/actions-helpers.js';

/**
 * One store's week worked out by hand (the week of Monday 2026-04-20, read on Monday 04-27 at 10:00):
 * every metric's records are written through the services or as they write them, and each number checked.
 */
describe('门店健康度评分卡: twelve metrics per store and period, counted from the records', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let clock = new Date('2026-04-20T02:00:00Z'); // Monday 10:00 Shanghai
  const at = (day: string, hh: number) => { clock = new Date(`${day}T${String(hh).padStart(2, '0')}:00:00+08:00`); };
  const products: Record<string, number> = {};
  let storeA: number;
  let storeB: number;
  let codeA: string;
  const WEEK = 'period=week&start=2026-04-20';

  const post = (path: string, as: string, body: unknown) => api.call('POST', path, { as, body, headers: { 'Idempotency-Key': idemKey() } });
  const submitted = (id: number, when: string) =>
    pool.query(`UPDATE actions SET status = 'submitted', submitted_at = $2 WHERE id = $1`, [id, new Date(when)]);
  const patrol = async (finishedAt: string, perfunctory: boolean, passed: Record<string, boolean>) => {
    const inspector = (await pool.query(`SELECT id FROM users WHERE wecom_userid = 'inspector.1'`)).rows[0].id;
    const ticks = Object.fromEntries(Object.entries(passed).map(([k, p]) => [k, { passed: p, note: p ? null : '不合格', attachmentId: null, at: finishedAt }]));
    const checklist = Object.keys(passed).map((key) => ({ key, label: `${key}：检查` }));
    await pool.query(
      `INSERT INTO retail_patrols (store_id, inspector_id, started_at, finished_at, checklist, ticks, score, perfunctory)
       VALUES ($1, $2, $3::timestamptz - interval '20 minutes', $3, $4, $5, 80, $6)`,
      [storeA, inspector, finishedAt, JSON.stringify(checklist), JSON.stringify(ticks), perfunctory]);
  };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock, env: { SESSION_TTL_HOURS: '720' } });
    await seedRetailNetworkForReps(pool, '2026-04-20');
    // the clerks and the patrol plans date from before the weeks read
    await pool.query(`UPDATE retail_clerks SET created_at = '2026-03-01T00:00:00+08:00'`);
    await pool.query(`UPDATE retail_inspector_stores SET created_at = '2026-03-01T00:00:00+08:00'`);
    for (const r of (await pool.query('SELECT id, sku FROM retail_products')).rows) products[r.sku] = Number(r.id);
    const stores = (await pool.query(`SELECT k.store_id, s.code, u.wecom_userid FROM retail_clerks k JOIN users u ON u.id = k.user_id
      JOIN retail_stores s ON s.customer_id = k.store_id WHERE u.wecom_userid IN ('clerk.1', 'clerk.2')`)).rows;
    const a = stores.find((r) => r.wecom_userid === 'clerk.1');
    storeA = Number(a.store_id);
    codeA = a.code;
    storeB = Number(stores.find((r) => r.wecom_userid === 'clerk.2').store_id);

    // 缺货: answered in 4 h, in 48 h, and not at all (24 h allowed) → 1 of 3
    at('2026-04-21', 10);
    const s1 = (await post('/api/retail/stockouts', 'clerk.1', { productId: products['BEV-GT-500'] })).body;
    const s2 = (await post('/api/retail/stockouts', 'clerk.1', { productId: products['BEV-LM-330'] })).body;
    await submitted(s1.actionId, '2026-04-21T14:00:00+08:00');
    await submitted(s2.actionId, '2026-04-23T10:00:00+08:00');
    at('2026-04-24', 10);
    expect((await post('/api/retail/stockouts', 'clerk.1', { productId: products['SNK-SW-70'] })).status).to.equal(201);

    // 会员推荐: 3 of 10 and 2 of 10 → 25 %
    at('2026-04-22', 20);
    expect((await post('/api/retail/member-referrals', 'clerk.1', { day: '2026-04-22', recommended: 10, joined: 3 })).status).to.equal(200);
    at('2026-04-23', 20);
    expect((await post('/api/retail/member-referrals', 'clerk.1', { day: '2026-04-23', recommended: 10, joined: 2 })).status).to.equal(200);
    expect((await post('/api/retail/member-referrals', 'clerk.2', { day: '2026-04-23', recommended: 5, joined: 4 })).status).to.equal(200);

    // patrols: two real ones and a perfunctory one (left out)
    await patrol('2026-04-21T11:00:00+08:00', false, { display: false, price_tags: true, stock: true, expiry: true, promotion: false });
    await patrol('2026-04-24T11:00:00+08:00', false, { display: true, price_tags: true, stock: true, expiry: false, promotion: true });
    await patrol('2026-04-25T11:00:00+08:00', true, { display: true, price_tags: true, stock: true, expiry: true, promotion: true });

    // 新品上架: one launch all on time, one whose first step is overdue; the first sold in its first week, the second's week is not over
    at('2026-04-20', 9);
    const l1 = (await post('/api/retail/launches', 'mgr.li', { storeId: storeA, productId: products['BEV-OJ-1L'], launchDate: '2026-04-21' })).body;
    const l2 = (await post('/api/retail/launches', 'mgr.li', { storeId: storeA, productId: products['SNK-NT-150'], launchDate: '2026-04-22' })).body;
    expect(l1.id && l2.id, JSON.stringify([l1, l2])).to.be.ok;
    await pool.query(`UPDATE actions SET status = 'submitted', submitted_at = due_at - interval '1 hour'
      WHERE process_instance_id = (SELECT process_instance_id FROM retail_launches WHERE id = $1)`, [l1.id]);

    // clerk entries: 04-20 on time, 04-21 late, 04-22 on time, 04-26 on time (entered the next morning)
    const enter = async (day: string, when: [string, number], sku: string, units: number) => {
      at(...when);
      expect((await post('/api/retail/clerk-sales', 'clerk.1', { productId: products[sku], day, units })).status).to.equal(200);
    };
    await enter('2026-04-20', ['2026-04-20', 21], 'BEV-GT-500', 10);
    await enter('2026-04-21', ['2026-04-23', 9], 'BEV-GT-500', 5);
    await enter('2026-04-22', ['2026-04-22', 21], 'BEV-GT-500', 20);
    await enter('2026-04-26', ['2026-04-27', 9], 'BEV-GT-500', 8);
    // POS: 10 (right), 30 (20 is off), 8 (right), nothing for 04-21; and the launched juice sold on 04-23
    at('2026-04-27', 9);
    const rows = [
      { storeCode: codeA, sku: 'BEV-GT-500', day: '2026-04-20', units: 10 }, { storeCode: codeA, sku: 'BEV-GT-500', day: '2026-04-22', units: 30 },
      { storeCode: codeA, sku: 'BEV-GT-500', day: '2026-04-26', units: 8 }, { storeCode: codeA, sku: 'BEV-OJ-1L', day: '2026-04-23', units: 5 },
    ];
    expect((await api.call('POST', '/api/retail/sales', { as: 'admin.lin', body: { batchId: 'pos-week', rows } })).status).to.equal(200);

    // 门店整改 due 04-23: one done the day before, one not done
    const inspector = (await loadActiveActor(pool, { wecomUserid: 'inspector.1' }))!;
    const fixes = await raiseStoreFixes(pool, inspector, storeA, ['整改：陈列（不合格）', '整改：价格标签（不合格）'], { now: new Date('2026-04-21T11:00:00+08:00'), publicUrl: 'http://localhost' });
    await submitted(fixes[0]!, '2026-04-22T15:00:00+08:00');

    at('2026-04-27', 10);
  });
  after(() => api.close());

  const card = async (as = 'mgr.li', store = storeA, q = WEEK) => api.call('GET', `/api/retail/scorecard/stores/${store}?${q}`, { as });

  it('counts each of the twelve metrics from its records and weighs them into the store\'s score and band', async () => {
    const res = await card();
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const values = Object.fromEntries(res.body.metrics.map((m: any) => [m.code, [m.num, m.den, m.value, m.bandLabel]]));
    expect(values).to.deep.equal({
      stockout_response: [1, 3, 33.3, '差'],
      member_referral: [5, 20, 25, '良'],
      expiry_handling: [1, 2, 50, '差'],
      launch_on_time: [1, 2, 50, '差'],
      first_week_sales: [1, 1, 100, '优'],
      display_compliance: [1, 2, 50, '差'],
      price_compliance: [2, 2, 100, '优'],
      promotion_execution: [1, 2, 50, '差'],
      patrol_coverage: [1, 1, 100, '优'],
      entry_timeliness: [3, 7, 42.9, '差'],
      entry_accuracy: [2, 3, 66.7, '差'],
      fix_on_time: [1, 2, 50, '差'],
    });
    // (10·33.3 + 8·25 + 8·50 + 10·50 + 8·100 + 10·50 + 8·100 + 8·50 + 8·100 + 7·42.9 + 8·66.7 + 7·50) / 100
    expect([res.body.score, res.body.bandLabel, res.body.noDataNote]).to.deep.equal([59.2, '差', null]);
    expect(res.body.period).to.include({ label: '4月20日–4月26日', from: '2026-04-20', current: false });
    expect(res.body.metrics.find((m: any) => m.code === 'member_referral')).to.include({ declared: true, name: '会员推荐转化率' });
    expect(res.body.trend.map((t: any) => t.label)).to.have.length(6);
    expect(res.body.trend.at(-1)).to.deep.include({ label: '4月20日–4月26日', score: 59.2, bandLabel: '差' });
    expect(res.body.suggestions.map((s: any) => s.code)).to.deep.equal(['stockout_response', 'entry_timeliness', 'launch_on_time']);
    expect(res.body.suggestions[0].title).to.equal('改进：缺货预警响应速度（4月20日–4月26日 33.3%，差）');
  });

  it('leaves a metric with no records out of the score and says so on the card, instead of counting it as zero', async () => {
    const res = await card('mgr.li', storeB);
    const withData = res.body.metrics.filter((m: any) => m.value !== null);
    expect(withData.map((m: any) => m.code)).to.include('member_referral').and.not.include('stockout_response');
    expect(res.body.metrics.find((m: any) => m.code === 'stockout_response')).to.include({ value: null, bandLabel: null, den: 0 });
    const expected = withData.reduce((t: number, m: any) => t + m.weight * m.value, 0) / withData.reduce((t: number, m: any) => t + m.weight, 0);
    expect(res.body.score).to.equal(Math.round(expected * 10) / 10);
    expect(res.body.noDataNote).to.contain('缺货预警响应速度').and.contain('不计入总分');
  });

  it('counts 数据填报及时率 from the day the store got its clerk and 巡店覆盖率 from the day it joined the plan', async () => {
    await pool.query(`UPDATE retail_clerks SET created_at = '2026-04-25T09:00:00+08:00' WHERE store_id = $1`, [storeB]);
    await pool.query(`UPDATE retail_inspector_stores SET created_at = '2026-04-25T09:00:00+08:00' WHERE store_id = $1`, [storeB]);
    const res = await card('mgr.li', storeB);
    const of = (code: string) => res.body.metrics.find((m: any) => m.code === code);
    // 04-25 alone is past its deadline (04-26 is yesterday, not yet late); two days on the plan are not a weekly round
    expect([of('entry_timeliness').num, of('entry_timeliness').den]).to.deep.equal([0, 1]);
    expect(of('patrol_coverage').value).to.equal(null);
    await pool.query(`UPDATE retail_clerks SET created_at = '2026-03-01T00:00:00+08:00' WHERE store_id = $1`, [storeB]);
    await pool.query(`UPDATE retail_inspector_stores SET created_at = '2026-03-01T00:00:00+08:00' WHERE store_id = $1`, [storeB]);
  });

  it('shows the records behind a number, each marked 达标 or not, the perfunctory patrol not counted', async () => {
    const res = await api.call('GET', `/api/retail/scorecard/stores/${storeA}/metrics/display_compliance?${WEEK}`, { as: 'mgr.li' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.records.map((r: any) => [r.when, r.ok, r.detail])).to.deep.equal([
      ['4月25日 11:00', null, '走过场的巡店，不计入'], ['4月24日 11:00', true, '合格'], ['4月21日 11:00', false, '不合格：不合格'],
    ]);
    expect(res.body.records[0].link).to.match(/^\/patrols\/\d+$/);
    const stock = await api.call('GET', `/api/retail/scorecard/stores/${storeA}/metrics/stockout_response?${WEEK}`, { as: 'mgr.li' });
    expect(stock.body.records.map((r: any) => [r.ok, r.detail])).to.deep.equal([
      [false, '超过24小时未处理'], [false, '48小时后处理（时限24小时）'], [true, '4小时后处理（时限24小时）'],
    ]);
  });

  it('ranks the stores each role may see within their region, and never shows a store outside it', async () => {
    const mgr = await api.call('GET', `/api/retail/scorecard?${WEEK}`, { as: 'mgr.li' });
    expect(mgr.status, JSON.stringify(mgr.body)).to.equal(200);
    const stores = mgr.body.regions.flatMap((r: any) => r.stores);
    const a = stores.find((s: any) => s.id === storeA);
    expect(a).to.include({ score: 59.2, bandLabel: '差' });
    expect(a.weakest.map((w: any) => w.code)).to.deep.equal(['stockout_response', 'entry_timeliness', 'launch_on_time']);
    for (const region of mgr.body.regions) {
      const ranked = region.stores.filter((s: any) => s.rank !== null);
      expect(ranked.map((s: any) => s.rank)).to.deep.equal(ranked.map((_: unknown, i: number) => i + 1));
      expect(ranked.map((s: any) => s.score)).to.deep.equal([...ranked.map((s: any) => s.score)].sort((x: number, y: number) => y - x));
    }
    const other = await api.call('GET', `/api/retail/scorecard?${WEEK}`, { as: 'mgr.chen' });
    expect(other.body.regions.flatMap((r: any) => r.stores).map((s: any) => s.id)).to.not.include(storeA);
    expect((await card('mgr.chen')).status).to.equal(404);
    const clerk = await api.call('GET', `/api/retail/scorecard?${WEEK}`, { as: 'clerk.1' });
    expect(clerk.body.regions.flatMap((r: any) => r.stores).map((s: any) => s.id)).to.deep.equal([storeA]);
    const director = await api.call('GET', `/api/retail/scorecard?${WEEK}`, { as: 'director.wang' });
    expect(director.body.regions.flatMap((r: any) => r.stores).length).to.be.greaterThan(stores.length);
  });

  it('makes a suggested improvement a 门店整改 action for the store\'s clerk in one tap, once while it is open', async () => {
    const first = await post(`/api/retail/scorecard/stores/${storeA}/actions`, 'mgr.li', { metric: 'stockout_response', period: 'week', start: '2026-04-20' });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body).to.include({ title: '改进：缺货预警响应速度（4月20日–4月26日 33.3%，差）', repeated: false });
    const action = (await pool.query(`SELECT a.definition_code, u.wecom_userid FROM actions a JOIN users u ON u.id = a.assignee_id WHERE a.id = $1`, [first.body.actionId])).rows[0];
    expect(action).to.deep.equal({ definition_code: 'store_fix', wecom_userid: 'clerk.1' });
    const again = await post(`/api/retail/scorecard/stores/${storeA}/actions`, 'mgr.li', { metric: 'stockout_response', period: 'week', start: '2026-04-20' });
    expect(again.body).to.include({ actionId: first.body.actionId, repeated: true });
    expect((await card()).body.suggestions[0].openActionId).to.equal(first.body.actionId);
    const good = await post(`/api/retail/scorecard/stores/${storeA}/actions`, 'mgr.li', { metric: 'first_week_sales', period: 'week', start: '2026-04-20' });
    expect([good.status, good.body.error.code]).to.deep.equal([422, 'SCORECARD_METRIC_EXCELLENT']);
    expect((await post(`/api/retail/scorecard/stores/${storeA}/actions`, 'clerk.1', { metric: 'stockout_response' })).status).to.equal(403);
  });

  it('refuses an unknown store or metric, a period not yet begun and a clerk\'s impossible referral count, writing nothing', async () => {
    const future = await card('mgr.li', storeA, 'period=month&start=2026-05-01');
    expect([future.status, future.body.error.code]).to.deep.equal([422, 'SCORECARD_PERIOD_IN_FUTURE']);
    expect(future.body.error.message).to.contain('2026年5月还没有开始');
    expect((await card('mgr.li', 999_999)).body.error.code).to.equal('STORE_NOT_FOUND');
    expect((await api.call('GET', `/api/retail/scorecard/stores/${storeA}/metrics/happiness`, { as: 'mgr.li' })).status).to.equal(400);
    expect((await card('mgr.li', storeA, 'period=year')).status).to.equal(400);
    const before = (await pool.query('SELECT count(*)::int AS n FROM retail_member_referrals')).rows[0].n;
    const bad = await post('/api/retail/member-referrals', 'clerk.1', { day: '2026-04-27', recommended: 3, joined: 5 });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.contain('入会人数不能多于推荐人数');
    expect((await post('/api/retail/member-referrals', 'mgr.li', { day: '2026-04-27', recommended: 3, joined: 1 })).status).to.equal(403);
    expect((await pool.query('SELECT count(*)::int AS n FROM retail_member_referrals')).rows[0].n).to.equal(before);
  });

  it('holds the admin\'s numbers: weights must add up to 100 and 优 begin above 良, and a longer response time changes the count', async () => {
    const current = (await api.call('GET', '/api/settings/retail.scorecard', { as: 'admin.lin' })).body;
    const value = structuredClone(current.value);
    value.metrics.stockout_response.weight = 9;
    const sum = await api.call('PUT', '/api/settings/retail.scorecard', { as: 'admin.lin', body: { expectedVersion: 0, value } });
    expect(sum.status).to.equal(400);
    expect(JSON.stringify(sum.body)).to.contain('各项权重合计应为100，现在是99');
    value.metrics.stockout_response.weight = 10;
    value.metrics.display_compliance = { weight: 10, excellent: 60, fair: 80 };
    const order = await api.call('PUT', '/api/settings/retail.scorecard', { as: 'admin.lin', body: { expectedVersion: 0, value } });
    expect(JSON.stringify(order.body)).to.contain('陈列合规率：“优”的门槛应高于“良”');
    expect((await api.call('PUT', '/api/settings/retail.scorecard', { as: 'mgr.li', body: { expectedVersion: 0, value: current.value } })).status).to.equal(403);
    expect((await pool.query(`SELECT count(*)::int AS n FROM setting_versions WHERE key = 'retail.scorecard'`)).rows[0].n).to.equal(0);

    const longer = { ...structuredClone(current.value), stockoutResponseHours: 48 };
    const preview = await api.call('POST', '/api/settings/retail.scorecard/preview', {
      as: 'admin.lin', body: { scope: { departmentId: null, customerType: null }, value: longer },
    });
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.summary).to.match(/^本月至今\d+家门店按新设置重新评分：1家总分变化，其中[01]家等级变化。$/);
    const ok = await api.call('PUT', '/api/settings/retail.scorecard', { as: 'admin.lin', body: { expectedVersion: 0, value: longer } });
    expect(ok.status, JSON.stringify(ok.body)).to.be.oneOf([200, 201]);
    const m = (await card()).body.metrics.find((x: any) => x.code === 'stockout_response');
    expect([m.num, m.den, m.value]).to.deep.equal([2, 3, 66.7]);
  });
});
