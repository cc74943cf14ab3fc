import { expect } from 'chai';
import type pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../../../core/config.js';
import { runScheduledHeatmapPush } from '../../../core/obstacles/weekly-push.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { dispatch, lookups } from '../actions/actions-helpers.js';
import { settingsClient } from './support/settings-client.js';

/**
 * Each setting moved or added by issue #26 is read where the product
 * enforces it: a change made through the settings changes what happens next.
 */
describe('settings are enforced where the product acts', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let s: ReturnType<typeof settingsClient>;
  let clock = new Date('2026-04-30T02:00:00Z'); // Thursday 10:00 Shanghai, the eve of 劳动节
  const deptId = async (name: string) => (await pool.query('SELECT id FROM departments WHERE name = $1', [name])).rows[0].id as number;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock, env: { SESSION_TTL_HOURS: '720' } });
    s = settingsClient(api);
  });
  after(() => api.close());

  it("gives actions dispatched into a manager's region the due days the manager set (派发时限), elsewhere the type's", async () => {
    const $ = lookups(pool);
    const east = await deptId('华东区');
    const saved = await s.save('mgr.li', 'dispatch.due-days', { dueDays: [{ definitionCode: 'visit', dueWorkingDays: 1 }] }, { scope: { departmentId: east } });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const toZhao = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: (await $.customer('华联超市总部')).id, assigneeId: await $.userId('rep.zhao') });
    // the first working day after the 劳动节 holidays (05-01..05-05)
    expect(toZhao.dueAt).to.equal('2026-05-06T15:59:59.000Z');
    const toZhou = await dispatch(api, 'director.wang', { definitionCode: 'visit', customerId: (await $.customer('物美超市北京总部')).id, assigneeId: await $.userId('rep.zhou') });
    expect(toZhou.dueAt).to.equal('2026-05-08T15:59:59.000Z');
    const named = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: (await $.customer('华联超市总部')).id, assigneeId: await $.userId('rep.zhao'), dueWorkingDays: 2 });
    expect(named.dueAt).to.equal('2026-05-07T15:59:59.000Z');
    const unknown = await s.save('mgr.li', 'dispatch.due-days', { dueDays: [{ definitionCode: 'nope', dueWorkingDays: 1 }] }, { scope: { departmentId: east } });
    expect(unknown.body.error.details[0]).to.deep.include({ path: 'body.value.dueDays.0.definitionCode' });
  });

  it('writes a process template through, so the next process started uses the new deadlines', async () => {
    const t = await s.value('admin.lin', 'flow.process-template:hospital_admission');
    const nodes = t.nodes.map((n: any, i: number) => (i === 0 ? { ...n, dueWorkingDays: 1 } : n));
    expect((await s.save('admin.lin', 'flow.process-template:hospital_admission', { ...t, nodes })).status).to.equal(200);
    const { rows } = await pool.query(`SELECT version, nodes->0->>'dueWorkingDays' AS first FROM process_templates WHERE code = 'hospital_admission'`);
    expect(rows[0]).to.deep.equal({ version: 2, first: '1' });
    const bad = await s.save('admin.lin', 'flow.process-template:hospital_admission', { ...t, nodes: [{ ...t.nodes[0], definitionCode: 'nope' }] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal('body.value.nodes.0.definitionCode');
  });

  it('refuses a daily report older than the backfill days the setting allows', async () => {
    const post = (day: string) => api.call('POST', '/api/daily-reports', { as: 'rep.zhao', body: { day, summary: '拜访两家门店', obstacles: '门店店长出差，补货单没人签', plan: '明天补货' } });
    expect((await post('2026-04-25')).status).to.equal(201);
    const rules = await s.value('admin.lin', 'reports.daily');
    expect((await s.save('admin.lin', 'reports.daily', { ...rules, backfillDays: 2 })).status).to.equal(200);
    const late = await post('2026-04-26');
    expect(late.status).to.equal(400);
    expect(late.body.error.details[0].message).to.equal('只能补交最近2天的日报');
  });

  it('pushes the heatmap once a week, after the weekday and time set, to the roles set', async () => {
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef', DATA_DIR: '/tmp/af-enforcement' });
    const push = await s.value('admin.lin', 'notifications.obstacle-heatmap');
    expect(push).to.deep.equal({ enabled: true, weekday: '1', time: '08:30', roles: ['director'], users: [] });
    expect((await s.save('admin.lin', 'notifications.obstacle-heatmap', { ...push, weekday: '2', time: '09:00', roles: ['manager'] })).status).to.equal(200);
    const run = (at: string) => runScheduledHeatmapPush({ pool, config, logger: pino({ level: 'silent' }), now: () => new Date(at) });
    expect((await run('2026-05-04T09:00:00+08:00')).summary).to.contain('未到本周推送时间（周二 09:00）');
    const pushed = await run('2026-05-05T09:05:00+08:00');
    expect(pushed).to.deep.include({ week: '2026-04-27', recipients: 2 });
    const { rows } = await pool.query(`SELECT DISTINCT recipient FROM outbox WHERE dedupe_key LIKE 'obstacle-heatmap:%' ORDER BY 1`);
    expect(rows.map((r) => r.recipient)).to.deep.equal(['mgr.chen', 'mgr.li']);
    expect((await run('2026-05-05T10:00:00+08:00')).summary).to.contain('当周已推送');
    expect((await s.save('admin.lin', 'notifications.obstacle-heatmap', { ...push, users: ['nobody.here'] })).body.error.details[0].path).to.equal('body.value.users.0');
  });

  it("previews a colour band as the teams whose badge would change colour this month", async () => {
    const bands = await s.value('admin.lin', 'dashboards.thresholds');
    const everythingRed = { green: { min: 1 }, red: { below: 1 } };
    const res = await s.preview('admin.lin', 'dashboards.thresholds', { ...bands, action_on_time: everythingRed, effective_followup: everythingRed });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.summary).to.match(/^本月按新阈值有 \d+ 个团队徽标会改变颜色（涉及 2 个指标）。$/);
    for (const line of res.body.lines) expect(line).to.match(/ · (事项按时完成率|有效跟进率) .+：(健康|关注) → 预警$/);
    const pct = await s.save('admin.lin', 'dashboards.thresholds', { ...bands, action_on_time: { green: { min: 1.5 }, red: {} } });
    expect(pct.body.error.details[0]).to.deep.include({ path: 'body.value.action_on_time.green.min', message: '应在0%–100%之间' });
  });

  it("previews the silence threshold as last week's alerts, from the follow-up history", async () => {
    clock = new Date('2026-05-13T02:00:00Z'); // Wednesday: last week is 05-04..05-10
    const c = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
    await pool.query(`UPDATE customers SET became_active_at = '2026-01-01' WHERE id <> $1`, [c]);
    // an effective follow-up on 04-26: 8 days of silence on 05-04, 12 on 05-08
    await pool.query(`UPDATE customers SET became_active_at = '2026-04-01' WHERE id = $1`, [c]);
    await pool.query(`DELETE FROM followups WHERE customer_id = $1`, [c]);
    await pool.query(`INSERT INTO followups (customer_id, user_id, channel, effective, at) VALUES ($1, (SELECT id FROM users WHERE wecom_userid = 'rep.zhao'), 'phone', true, '2026-04-26T10:00:00+08:00')`, [c]);
    const rule = await s.value('admin.lin', 'alerts.silence');
    const res = await s.preview('admin.lin', 'alerts.silence', { ...rule, days: 10 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.summary).to.match(/^上周（5月4日起）按现在的设置会产生 \d+ 条预警，按新设置 \d+ 条（新增 1，减少 \d+）。$/);
    expect(res.body.lines).to.include('新增：客户「华联超市总部」');
  });
});
