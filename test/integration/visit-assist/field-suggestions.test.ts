import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { aValidVisitReport, dispatch, lookups } from '../actions/actions-helpers.js';
import { settingsClient } from '../settings/support/settings-client.js';

describe('field suggestions for a visit report (POST /api/actions/{id}/field-suggestions)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    $ = lookups(pool);
  });
  after(() => api.close());

  const visitOf = async (customer: string) =>
    dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: (await $.customer(customer)).id, assigneeId: await $.userId('rep.zhao'), title: `拜访${customer}` });
  const suggest = (id: number, transcript: string, as = 'rep.zhao') =>
    api.call('POST', `/api/actions/${id}/field-suggestions`, { as, body: { transcript } });

  it('reads the customer\'s own contacts and the keyword library: the decision maker by surname and title, the pain points heard', async () => {
    const c = await $.customer('上海市第六人民医院');
    const { rows: [dm] } = await pool.query(`SELECT id, name, title FROM contacts WHERE customer_id = $1 AND buying_role = 'decider' AND status = 'active' ORDER BY id LIMIT 1`, [c.id]);
    const a = await visitOf('上海市第六人民医院');
    const r = await suggest(a.id, `${dm.name[0]}主任拍板，价格偏高，账期太长，下周三下午再来`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const role = r.body.suggestions.find((x: any) => x.key === 'decisionRole');
    expect(role).to.deep.include({ value: '决策者', source: 'memo', also: { decisionRoleContact: `${dm.name}（${dm.title}）`, decisionContactId: dm.id } });
    expect(r.body.suggestions.find((x: any) => x.key === 'nextContactAt').value).to.match(/^\d{4}-\d{2}-\d{2}T15:00$/);
    expect(r.body.painPoints).to.include('价格偏高');
    expect(await $.count('action_drafts WHERE action_id = $1', [a.id]), 'nothing is written').to.equal(0);
  });

  it('offers what the rep recorded at their last accepted visit of the customer ("同上次") before the memo is spoken', async () => {
    const c = await $.customer('华联超市总部');
    const first = await visitOf('华联超市总部');
    const body = await aValidVisitReport(pool, { repId: await $.userId('rep.zhao'), customerId: c.id, lat: c.lat, lng: c.lng, at: new Date() });
    const filed = await api.call('POST', `/api/actions/${first.id}/visit-report`, { as: 'rep.zhao', body });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(200);
    const next = await visitOf('华联超市总部');
    const r = await suggest(next.id, '');
    expect(r.body.notes).to.deep.equal([]);
    expect(r.body.suggestions).to.have.length(1);
    expect(r.body.suggestions[0]).to.include({ key: 'decisionRole', value: (body.fields as any).decisionRole, source: 'last_visit' });
    expect(r.body.suggestions[0].words).to.match(/^上次拜访（\d{1,2}月\d{1,2}日）$/);
  });

  it('answers only the rep the visit is assigned to, and refuses a transcript longer than a memo can be', async () => {
    const a = await visitOf('永辉超市上海区域公司');
    expect((await suggest(a.id, '下周三再来', 'rep.qian')).status).to.be.oneOf([403, 404]);
    const long = await suggest(a.id, '价'.repeat(5001));
    expect(long.status).to.equal(400);
    expect(JSON.stringify(long.body)).to.contain('语音文字稿最多5000字');
  });

  it('offers a written field the admin added (同行人员) as 同上次 once the rep\'s last two visits of the customer wrote the same', async () => {
    const visit = (await api.call('GET', '/api/action-definitions/visit', { as: 'admin.lin' })).body.active;
    const rules = visit.rules.map((r: any) => (r.kind === 'fields.required' ? { ...r, fields: [...r.fields, { key: 'companions', label: '同行人员', type: 'text' }] } : r));
    const saved = await settingsClient(api).save('admin.lin', 'flow.action-definition:visit', {
      code: 'visit', name: visit.name, ...(visit.description ? { description: visit.description } : {}), rules, dueWorkingDays: visit.dueWorkingDays, escalation: visit.escalation,
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const c = await $.customer('永辉超市上海区域公司');
    const fileOne = async (companions: string) => {
      const a = await visitOf('永辉超市上海区域公司');
      const body = await aValidVisitReport(pool, { repId: await $.userId('rep.zhao'), customerId: c.id, lat: c.lat, lng: c.lng, at: new Date() });
      const filed = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'rep.zhao', body: { ...body, fields: { ...(body.fields as object), companions } } });
      expect(filed.status, JSON.stringify(filed.body)).to.equal(200);
    };
    await fileOne('技术支持小陈');
    const once = await suggest((await visitOf('永辉超市上海区域公司')).id, '');
    expect(once.body.suggestions.map((x: any) => x.key), 'one visit is no evidence it rarely changes').to.deep.equal(['decisionRole']);
    await fileOne('技术支持小陈');
    const r = await suggest((await visitOf('永辉超市上海区域公司')).id, '');
    const same = r.body.suggestions.find((x: any) => x.key === 'companions');
    expect(same).to.include({ label: '同行人员', value: '技术支持小陈', source: 'last_visit' });
    expect(same.words).to.match(/^前两次拜访都一样（\d{1,2}月\d{1,2}日、\d{1,2}月\d{1,2}日）$/);
  });
});
