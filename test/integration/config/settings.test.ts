import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { configEvents, configState } from './support/config-state.js';

describe('keyword libraries, holidays and alert rules', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const admin = (method: string, path: string, body?: unknown) => api.call(method, path, { as: 'admin.lin', body });

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  describe('keyword libraries', () => {
    it('replaces the words trimmed and deduplicated, and logs what was added and removed', async () => {
      const res = await admin('PUT', '/api/keyword-libraries/pain_points', { words: [' 价格偏高 ', '账期', '价格偏高', '结算周期'] });
      expect(res.status).to.equal(200);
      expect(res.body.words).to.deep.equal(['价格偏高', '账期', '结算周期']);
      const [event] = (await configEvents(pool, 'keyword_library')).slice(-1);
      expect(event.data.code).to.equal('pain_points');
      expect(event.data.after.words.added).to.deep.equal(['结算周期']);
      expect(event.data.after.words.removed).to.include('回款慢');
      expect((await api.call('GET', '/api/keyword-libraries/pain_points', { as: 'rep.zhao' })).body.words).to.deep.equal(['价格偏高', '账期', '结算周期']);
    });

    it('refuses blank words and words over 20 characters (400 naming the index)', async () => {
      const before = await configState(pool);
      const res = await admin('PUT', '/api/keyword-libraries/pain_points', { words: ['好词', '   ', '一二三四五六七八九十一二三四五六七八九十一'] });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.map((d: any) => d.path)).to.deep.equal(['body.words.1', 'body.words.2']);
      expect(await configState(pool)).to.deep.equal(before);
    });

    it('creates a new library only with a name; an unknown one reads 404', async () => {
      expect((await admin('PUT', '/api/keyword-libraries/competitors', { words: ['竞品A'] })).status).to.equal(400);
      const res = await admin('PUT', '/api/keyword-libraries/competitors', { name: '竞品', words: ['竞品A'] });
      expect(res.status).to.equal(200);
      expect((await api.call('GET', '/api/keyword-libraries/nothing_here', { as: 'rep.zhao' })).status).to.equal(404);
    });
  });

  describe('holidays', () => {
    it('reads a year and replaces it as a whole; other years are untouched', async () => {
      const before2027 = (await api.call('GET', '/api/holidays?year=2027', { as: 'rep.zhao' })).body;
      const res = await admin('PUT', '/api/holidays/2026', { days: [
        { day: '2026-10-01', kind: 'holiday', name: '国庆节' },
        { day: '2026-10-02', kind: 'holiday', name: '国庆节' },
        { day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
      ] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.days.map((d: any) => d.day)).to.deep.equal(['2026-10-01', '2026-10-02', '2026-10-10']);
      expect((await api.call('GET', '/api/holidays?year=2027', { as: 'rep.zhao' })).body).to.deep.equal(before2027);
      const [event] = (await configEvents(pool, 'holiday_calendar')).slice(-1);
      expect(event.data.code).to.equal('2026');
      expect(event.data.after.holidays.removed).to.include('2026-01-01');
    });

    it('refuses days outside the year, duplicates and a weekday marked as a make-up workday', async () => {
      const before = await configState(pool);
      const res = await admin('PUT', '/api/holidays/2026', { days: [
        { day: '2027-01-01', kind: 'holiday' },
        { day: '2026-05-01', kind: 'holiday' },
        { day: '2026-05-01', kind: 'holiday' },
        { day: '2026-05-06', kind: 'workday' },
        { day: '2026-02-30', kind: 'holiday' },
      ] });
      expect(res.status).to.equal(400);
      const paths = res.body.error.details.map((d: any) => d.path);
      expect(paths).to.include('body.days.4.day');
      const again = await admin('PUT', '/api/holidays/2026', { days: [
        { day: '2027-01-01', kind: 'holiday' }, { day: '2026-05-01', kind: 'holiday' }, { day: '2026-05-01', kind: 'holiday' }, { day: '2026-05-06', kind: 'workday' },
      ] });
      expect(again.body.error.details.map((d: any) => d.path)).to.deep.equal(['body.days.0.day', 'body.days.2.day', 'body.days.3.day']);
      expect(await configState(pool)).to.deep.equal(before);
      expect((await admin('PUT', '/api/holidays/99', { days: [] })).status).to.equal(400);
    });
  });

  describe('alert rules', () => {
    it('merges params over the current ones and validates them per rule code', async () => {
      const res = await admin('PATCH', '/api/alert-rules/silence', { params: { days: 10 } });
      expect(res.status).to.equal(200);
      expect(res.body.params).to.deep.equal({ days: 10, recipients: ['owner', 'owner_manager'], quietHours: { from: '21:00', to: '08:00' } });
      const noQuiet = await admin('PATCH', '/api/alert-rules/silence', { params: { quietHours: null } });
      expect(noQuiet.body.params).to.not.have.property('quietHours');
      const legal = await admin('PATCH', '/api/alert-rules/legal_review_skips', { params: { minSkips: 5, windowDays: 60 }, enabled: false });
      expect(legal.status).to.equal(200);
      expect(legal.body).to.include({ enabled: false });
      expect(legal.body.params).to.include({ minSkips: 5, windowDays: 60, stageKey: 'negotiation' });
      const [event] = (await configEvents(pool, 'alert_rule')).slice(-1);
      expect(event.data).to.include({ code: 'legal_review_skips' });
      expect(event.data.changed).to.include.members(['enabled', 'params']);
    });

    it('lets an admin set the reminder times and the escalation quiet hours, and refuses a malformed time', async () => {
      const ok = await admin('PATCH', '/api/alert-rules/reminders', { params: { draftIdleHours: 4, dailyReportBy: '19:30' } });
      expect(ok.status).to.equal(200);
      expect(ok.body.params).to.include({ draftIdleHours: 4, dailyReportBy: '19:30' });
      const bad = await admin('PATCH', '/api/alert-rules/overdue_escalation', { params: { quietHours: { from: '22:00', to: '7点' } } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].path).to.equal('body.params.quietHours.to');
    });

    it('refuses out-of-range params with the path: silence days 1–90, legal review minSkips ≥ 1, known recipients', async () => {
      const before = await configState(pool);
      const days = await admin('PATCH', '/api/alert-rules/silence', { params: { days: 91 } });
      expect(days.status).to.equal(400);
      expect(days.body.error.details[0]).to.include({ path: 'body.params.days' });
      expect(days.body.error.details[0].message).to.contain('1–90');
      const who = await admin('PATCH', '/api/alert-rules/silence', { params: { recipients: ['everyone'] } });
      expect(who.body.error.details[0].path).to.equal('body.params.recipients.0');
      const quiet = await admin('PATCH', '/api/alert-rules/silence', { params: { quietHours: { from: '25:00', to: '08:00' } } });
      expect(quiet.status).to.equal(400);
      const skips = await admin('PATCH', '/api/alert-rules/legal_review_skips', { params: { minSkips: 0 } });
      expect(skips.body.error.details[0].path).to.equal('body.params.minSkips');
      const unknownParam = await admin('PATCH', '/api/alert-rules/silence', { params: { colour: 'red' } });
      expect(unknownParam.status).to.equal(400);
      expect((await admin('PATCH', '/api/alert-rules/nope', { enabled: false })).status).to.equal(404);
      expect(await configState(pool)).to.deep.equal(before);
    });
  });
});
