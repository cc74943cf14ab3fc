import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

describe('procurement steps of an opportunity: entered, posted by a webhook, imported from CSV', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let opp: number;
  const today = shanghaiDate(new Date());
  const daysAgo = (n: number) => addCalendarDays(today, -n);
  const count = async () => (await pool.query('SELECT count(*)::int AS n FROM procurement_events WHERE opportunity_id = $1', [opp])).rows[0].n;
  const status = async () => (await api.call('GET', `/api/opportunities/${opp}/profile`, { as: 'rep.zhao' })).body.procurement;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    opp = (await pool.query(`SELECT id FROM opportunities WHERE name = '华联2027年度饮料框架合同'`)).rows[0].id;
  });
  after(() => api.close());

  it('records a step a rep enters and shows it as the current procurement status', async () => {
    const res = await api.call('POST', `/api/opportunities/${opp}/procurement-events`, {
      as: 'rep.zhao', body: { stage: 'budget_requested', occurredOn: daysAgo(30), amount: 1200000, note: '年度预算已报' },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.include({ created: true });
    expect(res.body.event).to.include({ stage: 'budget_requested', stageLabel: '预算申报', occurredOn: daysAgo(30), amount: 1200000, source: 'app', recordedByName: '赵磊' });
    expect(await status()).to.include({ stage: 'budget_requested', stageLabel: '预算申报', step: 1 });
  });

  it('takes a webhook post once however often it is sent, and keeps the furthest step as the status', async () => {
    const body = { opportunityId: opp, stage: 'tender_announced', occurredOn: daysAgo(5), reference: 'ZB-2026-118' };
    const first = await api.call('POST', '/api/procurement-events', { as: 'director.wang', body });
    const again = await api.call('POST', '/api/procurement-events', { as: 'director.wang', body, headers: { 'Idempotency-Key': `w-${randomUUID()}` } });
    expect([first.body.created, again.body.created]).to.deep.equal([true, false]);
    expect(again.body.event.id).to.equal(first.body.event.id);
    expect(first.body.event.source).to.equal('api');
    // a 预算批复 typed in afterwards does not move the status back
    await api.call('POST', `/api/opportunities/${opp}/procurement-events`, { as: 'rep.zhao', body: { stage: 'budget_approved', occurredOn: daysAgo(20) } });
    expect(await status()).to.include({ stage: 'tender_announced', stageLabel: '招标公告', step: 3, occurredOn: daysAgo(5) });
  });

  it('imports a CSV whole or not at all, naming each bad row; a second import changes nothing', async () => {
    const before = await count();
    const bad = [
      '商机编号,采购阶段,日期,金额,公告编号',
      `${opp},开标,${daysAgo(2)},,KB-1`,
      `${opp},签约,${daysAgo(1)},,`,
      `999999,中标,${daysAgo(1)},,`,
      `${opp},中标,2199-01-01,,`,
    ].join('\n');
    const refused = await api.call('POST', '/api/procurement-events/import', { as: 'rep.zhao', body: { csv: bad } });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.details).to.deep.equal([
      { path: '第3行 采购阶段', message: '采购阶段只能是：预算申报、预算批复、招标公告、开标、中标' },
      { path: '第4行 商机编号', message: '商机 999999 不存在或不在你的权限范围内' },
      { path: '第5行 日期', message: '日期不能晚于今天' },
    ]);
    expect(await count()).to.equal(before);
    const good = `\uFEFF商机编号,采购阶段,日期,金额\r\n${opp},开标,${daysAgo(2).replace(/-/g, '/')},\r\n${opp},中标,${daysAgo(1)},"1,180,000"\r\n`;
    const ok = await api.call('POST', '/api/procurement-events/import', { as: 'rep.zhao', body: { csv: good } });
    expect(ok.body).to.deep.equal({ created: 2, unchanged: 0, rows: 2 });
    const twice = await api.call('POST', '/api/procurement-events/import', { as: 'rep.zhao', body: { csv: good } });
    expect(twice.body).to.deep.equal({ created: 0, unchanged: 2, rows: 2 });
    expect(await status()).to.include({ stage: 'bid_won', stageLabel: '中标', step: 5 });
  });

  it('refuses a future day, an opportunity out of scope, and a role that may not change opportunities', async () => {
    const future = await api.call('POST', `/api/opportunities/${opp}/procurement-events`, { as: 'rep.zhao', body: { stage: 'bid_won', occurredOn: addCalendarDays(today, 1) } });
    expect(future.status).to.equal(400);
    expect(future.body.error.details[0].message).to.equal('日期不能晚于今天');
    const theirs = await api.call('POST', `/api/opportunities/${opp}/procurement-events`, { as: 'rep.zhou', body: { stage: 'bid_won', occurredOn: today } });
    expect(theirs.status).to.equal(422);
    const admin = await api.call('POST', '/api/procurement-events', { as: 'admin.lin', body: { opportunityId: opp, stage: 'bid_won', occurredOn: today } });
    expect(admin.status).to.equal(403);
  });

  it('fills 当前采购周期 in 客户资料完整度 once an open opportunity has a procurement step', async () => {
    const { rows: [c] } = await pool.query(`SELECT c.id, c.name FROM customers c JOIN opportunities o ON o.customer_id = c.id
      WHERE o.name = '苏果休闲食品新品进场'`);
    await pool.query(`UPDATE customers SET profile = profile - '当前采购周期' WHERE id = $1`, [c.id]);
    const hits = async () => (await api.call('GET', '/api/dashboards/profile_completeness/records?field=当前采购周期&outcome=hit&limit=200', { as: 'director.wang' }))
      .body.items.map((r: any) => r.id);
    expect(await hits()).to.not.include(c.id);
    const o = (await pool.query(`SELECT id FROM opportunities WHERE name = '苏果休闲食品新品进场'`)).rows[0].id;
    const res = await api.call('POST', `/api/opportunities/${o}/procurement-events`, { as: 'rep.sun', body: { stage: 'budget_requested', occurredOn: today } });
    expect(res.status).to.equal(201);
    expect(await hits()).to.include(c.id);
  });
});
