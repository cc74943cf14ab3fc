import { expect } from 'chai';
import type pg from 'pg';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { submitDailyReport } from '../../../core/reports/daily-reports.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/** 日报: POST /api/daily-reports (submitDailyReport, an upsert per day) and the scoped list. */
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
    expect(ev.rows).to.deep.equal([{ type: 'daily_report.submitted', data: { day: '2026-11-27', departmentId: res.body.departmentId, obstaclesChars: 8 } }]);
  });

  it('a second submission the same day replaces the first (one row, same id, an update event)', async () => {
    const first = await post('rep.qian', { obstacles: '招标延期' });
    const second = await post('rep.qian', { summary: '补充', obstacles: '招标延期，预算冻结', plan: '明天去采购中心', support: '需要法务协助' });
    expect(second.status).to.equal(201);
    expect(second.body.id).to.equal(first.body.id);
    expect(second.body).to.deep.include({ obstacles: '招标延期，预算冻结', support: '需要法务协助' });
    const rows = await pool.query(`SELECT count(*)::int AS n FROM daily_reports r JOIN users u ON u.id = r.user_id WHERE u.wecom_userid = 'rep.qian'`);
    expect(rows.rows[0].n).to.equal(1);
    const ev = await pool.query(`SELECT type FROM events WHERE entity_type = 'daily_report' AND entity_id = $1 ORDER BY id`, [first.body.id]);
    expect(ev.rows.map((r) => r.type)).to.deep.equal(['daily_report.submitted', 'daily_report.updated']);
  });

  it('replays a retried request with the same Idempotency-Key', async () => {
    const key = `daily-rep.sun-${Date.now()}`;
    const a = await post('rep.sun', { obstacles: '法务卡点' }, { 'Idempotency-Key': key });
    const b = await post('rep.sun', { obstacles: '法务卡点' }, { 'Idempotency-Key': key });
    expect(b.status).to.equal(201);
    expect(b.body).to.deep.equal(a.body);
    expect(b.headers.get('idempotent-replayed')).to.equal('true');
  });

  it('accepts a report for an earlier day within 7 days, refuses future days, older days and an empty obstacle', async () => {
    expect((await post('rep.zhou', { day: '2026-11-20', obstacles: '无' })).status).to.equal(201);
    for (const [body, message] of [
      [{ day: '2026-11-28', obstacles: '无' }, '不能提交未来日期的日报'],
      [{ day: '2026-11-19', obstacles: '无' }, '只能补交最近7天的日报'],
      [{ obstacles: '   ' }, '今日关键障碍不能为空，没有就写“无”'],
    ] as const) {
      const res = await post('rep.zhou', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include(message);
    }
    const strict = await post('rep.zhou', { obstacles: '无', keyObstacles: 'x' });
    expect(strict.status).to.equal(400);
  });

  it('is for sales staff: compliance and admins are refused', async () => {
    expect((await post('compliance.he', { obstacles: '无' })).status).to.equal(403);
    expect((await post('admin.lin', { obstacles: '无' })).status).to.equal(403);
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
});
