import { expect } from 'chai';
import type pg from 'pg';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { submitDailyReport } from '../../../core/reports/daily-reports.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/** 日报: POST /api/daily-reports (submitDailyReport, one report per member and day that the app and the bot merge into) and the scoped list. */
describe('daily reports', () => {
  const NOW = new Date('2026-11-27T19:30:00+08:00');
  let pool: pg.Pool;
  let api: TestApi;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool, now: () => NOW });
  });
  after(async () => { await api?.close(); });

  const post = (as: string, body: unknown, headers?: Record<string, string>) => api.call('POST', '/api/daily-reports', { as, body, headers });

  it("files today's report (Shanghai day) with the author's department, and records an event", async () => {
    const res = await post('rep.zhao', { summary: '拜访华联', obstacles: '耗材编码还没下来', plan: '跟进医保备案' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.include({ day: '2026-11-27', summary: '拜访华联', obstacles: '耗材编码还没下来', plan: '跟进医保备案', userName: '赵磊', departmentName: '华东区', support: null });
    const ev = await pool.query(`SELECT type, data FROM events WHERE entity_type = 'daily_report' AND entity_id = $1`, [res.body.id]);
    expect(ev.rows).to.deep.equal([{ type: 'daily_report.submitted', data: {
      day: '2026-11-27', departmentId: res.body.departmentId, via: 'app', fields: ['summary', 'obstacles', 'plan'], obstaclesChars: 8,
    } }]);
    expect(res.body.sources.obstacles).to.deep.equal({ via: 'app', at: NOW.toISOString(), byName: '赵磊' });
  });

  it('merges a second submission the same day into the first: only the fields sent change (one row, same id, an update event)', async () => {
    const first = await post('rep.qian', { summary: '拜访华联', obstacles: '招标延期', support: '需要法务协助' });
    const second = await post('rep.qian', { obstacles: '招标延期，预算冻结', plan: '明天去采购中心' });
    expect(second.status).to.equal(201);
    expect(second.body.id).to.equal(first.body.id);
    expect(second.body).to.deep.include({ summary: '拜访华联', obstacles: '招标延期，预算冻结', plan: '明天去采购中心', support: '需要法务协助' });
    const rows = await pool.query(`SELECT count(*)::int AS n FROM daily_reports r JOIN users u ON u.id = r.user_id WHERE u.wecom_userid = 'rep.qian'`);
    expect(rows.rows[0].n).to.equal(1);
    const ev = await pool.query(`SELECT type, data->'fields' AS fields FROM events WHERE entity_type = 'daily_report' AND entity_id = $1 ORDER BY id`, [first.body.id]);
    expect(ev.rows).to.deep.equal([
      { type: 'daily_report.submitted', fields: ['summary', 'obstacles', 'support'] },
      { type: 'daily_report.updated', fields: ['obstacles', 'plan'] },
    ]);
  });

  it('replays a retried request with the same Idempotency-Key', async () => {
    const key = `daily-rep.sun-${Date.now()}`;
    const a = await post('rep.sun', { obstacles: '法务卡点' }, { 'Idempotency-Key': key });
    const b = await post('rep.sun', { obstacles: '法务卡点' }, { 'Idempotency-Key': key });
    expect(b.status).to.equal(201);
    expect(b.body).to.deep.equal(a.body);
    expect(b.headers.get('idempotent-replayed')).to.equal('true');
  });

  it('accepts a report for an earlier day within 7 days, refuses future days, older days, and a first report without an obstacle', async () => {
    expect((await post('rep.zhou', { day: '2026-11-20', obstacles: '招标文件还没挂网' })).status).to.equal(201);
    for (const [body, message] of [
      [{ day: '2026-11-28', obstacles: '招标文件还没挂网' }, '不能提交未来日期的日报'],
      [{ day: '2026-11-19', obstacles: '招标文件还没挂网' }, '只能补交最近7天的日报'],
      [{ obstacles: '   ' }, '要写出具体卡在哪里'],
      [{ day: '2026-11-21', plan: '去采购中心' }, '要写出具体卡在哪里'],
    ] as const) {
      const res = await post('rep.zhou', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include(message);
    }
    const strict = await post('rep.zhou', { obstacles: '招标文件还没挂网', keyObstacles: 'x' });
    expect(strict.status).to.equal(400);
  });

  it('refuses an obstacle that names no blocker (没问题, 无, 暂无, 一切顺利 …) and asks for a concrete one', async () => {
    for (const obstacles of ['没问题', '无', '暂无。', '一切顺利！', '没有', 'OK', '无无']) {
      const res = await post('rep.zhou', { obstacles });
      expect(res.status, obstacles).to.equal(400);
      expect(res.body.error.details[0]).to.deep.include({ path: 'body.obstacles' });
      expect(res.body.error.details[0].message).to.contain('哪个环节、卡在谁、缺什么');
    }
    expect((await post('rep.zhou', { day: '2026-11-20', obstacles: '没问题的话下周就能签，但法务还没回复' })).status).to.equal(201);
  });

  it('is for sales staff: compliance and admins are refused', async () => {
    expect((await post('compliance.he', { obstacles: '招标延期' })).status).to.equal(403);
    expect((await post('admin.lin', { obstacles: '招标延期' })).status).to.equal(403);
  });

  it('lists within scope: a rep their own, mgr.li 华东区, the director all', async () => {
    const names = async (as: string, qs = '') => (await api.call('GET', `/api/daily-reports${qs}`, { as })).body.items.map((r: any) => r.userName).sort();
    expect(await names('rep.zhao')).to.deep.equal(['赵磊']);
    expect(await names('mgr.li')).to.deep.equal(['孙浩', '赵磊', '钱芳']);
    expect(await names('director.wang')).to.deep.equal(['周婷', '孙浩', '赵磊', '钱芳']);
    expect(await names('director.wang', '?from=2026-11-21&to=2026-11-27')).to.deep.equal(['孙浩', '赵磊', '钱芳']);
    expect(await names('rep.zhao', '?from=2026-11-27&to=2026-11-27')).to.deep.equal(['赵磊']);
    expect(await names('director.wang', '?to=2026-11-20')).to.deep.equal(['周婷']);
    expect((await api.call('GET', '/api/daily-reports', { as: 'compliance.he' })).status).to.equal(403);
  });

  it('is the bot\'s DailyReportPort: submit(db, actor, { day, summary, obstacles, plan }, now) → { id }', async () => {
    const actor = (await loadActiveActor(pool, { wecomUserid: 'rep.wu' }))!;
    const r = await submitDailyReport(pool, actor, { day: '2026-11-27', summary: '拜访了北医三院', obstacles: '医保备案', plan: '整理报价' }, NOW);
    expect(r.id).to.be.a('number');
    expect(r.departmentName).to.equal('华北区');
  });

  it('keeps what the app wrote when the bot files the same day, and says per field where each value came from', async () => {
    await post('rep.wu', { day: '2026-11-26', summary: '拜访物美', obstacles: '设备科要求耗材编码', plan: '整理报价', support: '需要市场部的样品' });
    const actor = (await loadActiveActor(pool, { wecomUserid: 'rep.wu' }))!;
    const later = new Date(NOW.getTime() + 60_000);
    const merged = await submitDailyReport(pool, actor, { day: '2026-11-26', plan: '上午去物美采购部' }, later, 'bot');
    expect(merged).to.deep.include({ summary: '拜访物美', obstacles: '设备科要求耗材编码', plan: '上午去物美采购部', support: '需要市场部的样品' });
    expect(merged.sources.obstacles.via).to.equal('app');
    expect(merged.sources.plan).to.deep.equal({ via: 'bot', at: later.toISOString(), byName: actor.name });
    // sending a field unchanged claims nothing: it stays the bot's
    const again = await post('rep.wu', { day: '2026-11-26', plan: '上午去物美采购部', summary: '拜访物美' });
    expect(again.body.sources.plan.via).to.equal('bot');
  });
});
