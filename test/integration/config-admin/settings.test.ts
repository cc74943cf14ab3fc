import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { settingsClient } from '../settings/support/settings-client.js';
import { configState } from './support/config-state.js';

describe('keyword libraries, holidays and alert rules as settings', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let s: ReturnType<typeof settingsClient>;
  const save = (id: string, value: unknown) => s.save('admin.lin', id, value);

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    s = settingsClient(api);
  });
  after(() => api.close());

  describe('keyword libraries', () => {
    it('replaces the words trimmed and deduplicated, writes them through, and records what was added and removed', async () => {
      const res = await save('keywords.library:pain_points', { name: '客户痛点关键词', words: [' 价格偏高 ', '账期', '价格偏高', '结算周期'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.value.words).to.deep.equal(['价格偏高', '账期', '结算周期']);
      expect((await api.call('GET', '/api/keyword-libraries/pain_points', { as: 'rep.zhao' })).body.words).to.deep.equal(['价格偏高', '账期', '结算周期']);
      const [v1] = (await s.versions('rep.zhao', 'keywords.library:pain_points')).body.items;
      expect(v1.changes).to.have.length(1);
      expect(v1.changes[0]).to.match(/^关键词：新增 结算周期；删除 价格倒挂、/).and.contain('回款慢');
    });

    it('refuses blank words and words over 20 characters (400 naming the index), writing nothing', async () => {
      const before = await configState(pool);
      const res = await save('keywords.library:pain_points', { name: '客户痛点关键词', words: ['好词', '   ', '一二三四五六七八九十一二三四五六七八九十一'] });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.map((d: any) => d.path)).to.deep.equal(['body.value.words.1', 'body.value.words.2']);
      expect(await configState(pool)).to.deep.equal(before);
    });

    it('creates a new library with a name under a well-formed code; an unknown one reads 404', async () => {
      expect((await save('keywords.library:competitors', { words: ['竞品A'] })).status).to.equal(400);
      const res = await save('keywords.library:competitors', { name: '竞品', words: ['竞品A'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.itemLabel).to.equal('竞品');
      expect((await api.call('GET', '/api/keyword-libraries/competitors', { as: 'rep.zhao' })).body.words).to.deep.equal(['竞品A']);
      expect((await s.get('rep.zhao', 'keywords.library:nothing_here')).status).to.equal(404);
      expect((await save('keywords.library:Bad-Code', { name: 'x', words: [] })).status).to.equal(404);
    });
  });

  describe('holidays', () => {
    it('reads a year and replaces it as a whole; other years are untouched', async () => {
      const before2027 = (await api.call('GET', '/api/holidays?year=2027', { as: 'rep.zhao' })).body;
      const res = await save('calendar.holidays:2026', { days: [
        { day: '2026-10-01', kind: 'holiday', name: '国庆节' },
        { day: '2026-10-02', kind: 'holiday', name: '国庆节' },
        { day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
      ] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const year = (await api.call('GET', '/api/holidays?year=2026', { as: 'rep.zhao' })).body;
      expect(year.days.map((d: any) => d.day)).to.deep.equal(['2026-10-01', '2026-10-02', '2026-10-10']);
      expect((await api.call('GET', '/api/holidays?year=2027', { as: 'rep.zhao' })).body).to.deep.equal(before2027);
      const [v1] = (await s.versions('rep.zhao', 'calendar.holidays:2026')).body.items;
      expect(v1.changes[0]).to.match(/^放假与调休上班日：\d+ 项 → 3 项$/);
    });

    it('refuses days outside the year, duplicates and a weekday marked as a make-up workday', async () => {
      const before = await configState(pool);
      const bad = await save('calendar.holidays:2026', { days: [
        { day: '2026-02-30', kind: 'holiday' },
      ] });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.map((d: any) => d.path)).to.include('body.value.days.0.day');
      const again = await save('calendar.holidays:2026', { days: [
        { day: '2027-01-01', kind: 'holiday' }, { day: '2026-05-01', kind: 'holiday' }, { day: '2026-05-01', kind: 'holiday' }, { day: '2026-05-06', kind: 'workday' },
      ] });
      expect(again.body.error.details.map((d: any) => d.path)).to.deep.equal(['body.value.days.0.day', 'body.value.days.2.day', 'body.value.days.3.day']);
      expect(again.body.error.details[2].message).to.contain('调休上班日应为周六或周日');
      expect(await configState(pool)).to.deep.equal(before);
      expect((await save('calendar.holidays:99', { days: [] })).status).to.equal(404);
    });
  });

  describe('alert rules', () => {
    const rule = async (code: string) => (await pool.query('SELECT name, enabled, params FROM alert_rules WHERE code = $1', [code])).rows[0];

    it('saves the whole rule (params and on/off), writes it through for the jobs and renames it after its threshold', async () => {
      const current = await s.value('admin.lin', 'alerts.silence');
      expect(current).to.deep.equal({ enabled: true, days: 7, recipients: ['owner', 'owner_manager'], quietHours: { from: '21:00', to: '08:00' } });
      const res = await save('alerts.silence', { ...current, days: 10 });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(await rule('silence')).to.deep.equal({
        name: '同一客户连续10天无有效跟进', enabled: true, params: { days: 10, recipients: ['owner', 'owner_manager'], quietHours: { from: '21:00', to: '08:00' } },
      });
      const { quietHours: _q, ...noQuiet } = { ...current, days: 10 };
      await save('alerts.silence', noQuiet);
      expect((await rule('silence')).params).to.not.have.property('quietHours');
      const legal = await s.value('admin.lin', 'alerts.legal-review-skips');
      expect((await save('alerts.legal-review-skips', { ...legal, minSkips: 5, windowDays: 60, enabled: false })).status).to.equal(200);
      expect(await rule('legal_review_skips')).to.deep.include({ enabled: false, name: '销售员5次以上跳过法务审核' });
      expect((await rule('legal_review_skips')).params).to.include({ minSkips: 5, windowDays: 60, stageKey: 'negotiation' });
      const [v] = (await s.versions('admin.lin', 'alerts.legal-review-skips')).body.items;
      expect(v.changes).to.have.members(['启用：是 → 否', '跳过次数：3 次 → 5 次', '统计窗口：30 天 → 60 天']);
    });

    it('lets an admin set the reminder times and the escalation quiet hours, and refuses a malformed time', async () => {
      const reminders = await s.value('admin.lin', 'alerts.reminders');
      const ok = await save('alerts.reminders', { ...reminders, draftIdleHours: 4, dailyReportBy: '19:30' });
      expect(ok.status).to.equal(200);
      expect((await rule('reminders')).params).to.include({ draftIdleHours: 4, dailyReportBy: '19:30' });
      const overdue = await s.value('admin.lin', 'alerts.overdue-escalation');
      const bad = await save('alerts.overdue-escalation', { ...overdue, quietHours: { from: '22:00', to: '7点' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].path).to.equal('body.value.quietHours.to');
    });

    it('refuses out-of-range params with the path: silence days 1–90, legal review minSkips ≥ 1, known recipients', async () => {
      const before = await configState(pool);
      const silence = await s.value('admin.lin', 'alerts.silence');
      const days = await save('alerts.silence', { ...silence, days: 91 });
      expect(days.status).to.equal(400);
      expect(days.body.error.details[0]).to.include({ path: 'body.value.days' });
      expect(days.body.error.details[0].message).to.contain('1–90');
      const who = await save('alerts.silence', { ...silence, recipients: ['everyone'] });
      expect(who.body.error.details[0].path).to.equal('body.value.recipients.0');
      expect((await save('alerts.silence', { ...silence, quietHours: { from: '25:00', to: '08:00' } })).status).to.equal(400);
      const legal = await s.value('admin.lin', 'alerts.legal-review-skips');
      expect((await save('alerts.legal-review-skips', { ...legal, minSkips: 0 })).body.error.details[0].path).to.equal('body.value.minSkips');
      expect((await save('alerts.silence', { ...silence, colour: 'red' })).status).to.equal(400);
      expect((await save('alerts.nope', { enabled: false })).status).to.equal(404);
      expect(await configState(pool)).to.deep.equal(before);
    });
  });
});
