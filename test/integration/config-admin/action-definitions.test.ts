import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { settingsClient } from '../settings/support/settings-client.js';
import { configEvents, configState } from './support/config-state.js';

describe('editing action definitions (versioned, through the settings)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let visit: any;
  const definitionBody = (v: any, changes: Record<string, unknown> = {}) => ({
    code: 'visit', name: v.name, ...(v.description ? { description: v.description } : {}),
    rules: v.rules, dueWorkingDays: v.dueWorkingDays, escalation: v.escalation, ...changes,
  });
  const put = async (body: unknown, code = 'visit') => {
    const res = await settingsClient(api).save('admin.lin', `flow.action-definition:${code}`, body);
    return res.status === 200 ? { ...res, body: (await api.call('GET', `/api/action-definitions/${code}`, { as: 'admin.lin' })).body } : res;
  };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    visit = (await api.call('GET', '/api/action-definitions/visit', { as: 'rep.zhao' })).body.active;
  });
  after(() => api.close());

  it('lists every definition with its active version and history', async () => {
    const res = await api.call('GET', '/api/action-definitions', { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    expect(res.body.items.map((i: any) => i.code)).to.include.members(['visit', 'followup', 'quote', 'sample', 'contract_approval']);
    const v = res.body.items.find((i: any) => i.code === 'visit');
    expect(v.active).to.include({ version: 1, active: true });
    expect(v.versions).to.have.length(1);
    expect(v.active.rules.find((r: any) => r.kind === 'geofence.within_km')).to.include({ km: 3 });
  });

  it('creates version 2 on an admin edit, makes it the active one atomically and keeps version 1', async () => {
    const rules = visit.rules.map((r: any) => (r.kind === 'geofence.within_km' ? { ...r, km: 1 } : r));
    const res = await put(definitionBody(visit, { rules, description: '到客户现场拜访（1公里内签到）' }));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.active).to.include({ version: 2, active: true, description: '到客户现场拜访（1公里内签到）' });
    expect(res.body.active.createdBy.name).to.equal('林涛');
    expect(res.body.versions.map((x: any) => [x.version, x.active])).to.deep.equal([[2, true], [1, false]]);
    expect(res.body.versions[1].rules.find((r: any) => r.kind === 'geofence.within_km').km).to.equal(3);
    const { rows } = await pool.query(`SELECT version, active, rules FROM action_definitions WHERE code = 'visit' ORDER BY version`);
    expect(rows.map((r) => [r.version, r.active])).to.deep.equal([[1, false], [2, true]]);
    const [event] = (await configEvents(pool, 'setting')).slice(-1);
    expect(event.actor).to.equal('admin.lin');
    expect(event.data).to.include({ key: 'flow.action-definition', item: 'visit', version: 1 });
    const [change] = (await settingsClient(api).versions('rep.zhao', 'flow.action-definition:visit')).body.items;
    expect(change.changes).to.include('说明：到客户现场拜访并提交拜访报告（照片、语音纪要、决策链、下次接触时间） → 到客户现场拜访（1公里内签到）');
    expect(change.changes.some((c: string) => c.startsWith('提交规则'))).to.equal(true);
  });

  it('adds no version when the active definition is sent unchanged', async () => {
    const current = (await api.call('GET', '/api/action-definitions/visit', { as: 'admin.lin' })).body.active;
    const before = await configState(pool);
    const res = await put(definitionBody(current));
    expect(res.status).to.equal(200);
    expect(res.body.active.version).to.equal(current.version);
    expect(await configState(pool)).to.deep.equal(before);
  });

  it('refuses invalid rule JSON with 400 naming each path with a Chinese message, and changes nothing', async () => {
    const before = await configState(pool);
    const res = await put(definitionBody(visit, {
      rules: [
        { kind: 'geofence.within_km', km: -1 },
        { kind: 'attachments.min', attachmentKind: 'video', min: 1 },
        { kind: 'no.such.rule' },
      ],
    }));
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    const paths = res.body.error.details.map((d: any) => d.path);
    expect(paths).to.include.members(['body.value.rules.0.km', 'body.value.rules.1.attachmentKind', 'body.value.rules.2.kind']);
    for (const d of res.body.error.details) expect(d.message).to.match(/[\u4e00-\u9fa5]/);
    expect(res.body.error.details.find((d: any) => d.path === 'body.value.rules.2.kind').message).to.contain('未知的规则类型');
    expect(await configState(pool)).to.deep.equal(before);
  });

  it('refuses references the schema cannot check: an unknown keyword library, a self-prerequisite', async () => {
    const before = await configState(pool);
    const res = await put(definitionBody(visit, {
      rules: [
        { kind: 'voice.keywords.min', library: 'no_such_library', min: 1 },
        { kind: 'prerequisite.verified', definitionCode: 'visit', label: '拜访' },
      ],
    }));
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: any) => d.path)).to.deep.equal(['body.value.rules.0.library', 'body.value.rules.1.definitionCode']);
    expect(res.body.error.details[0].message).to.contain('no_such_library');
    expect(await configState(pool)).to.deep.equal(before);
  });

  it('refuses a body whose code differs from the path (400)', async () => {
    const res = await put(definitionBody(visit, { code: 'quote' }));
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].path).to.equal('body.value.code');
  });

  it('creates version 1 of a new definition code', async () => {
    const res = await put({
      code: 'shelf_launch', name: '新品上架', rules: [{ kind: 'attachments.min', attachmentKind: 'photo', min: 1, tag: '陈列照' }],
      dueWorkingDays: 5, escalation: { steps: [{ afterWorkingDaysOverdue: 0, notify: ['assignee'] }] },
    }, 'shelf_launch');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ code: 'shelf_launch', kind: 'shelf_launch' });
    expect(res.body.active.version).to.equal(1);
    const [event] = (await configEvents(pool, 'setting')).slice(-1);
    expect(event.data).to.include({ key: 'flow.action-definition', item: 'shelf_launch', created: true, version: 1 });
  });

  it('lets one of four concurrent edits made from the same version through; the others get 409 with the current version', async () => {
    const current = (await api.call('GET', '/api/action-definitions/followup', { as: 'admin.lin' })).body.active;
    const results = await Promise.all([3, 4, 5, 6].map((d) => settingsClient(api).save('admin.lin', 'flow.action-definition:followup',
      { ...definitionBody(current, { dueWorkingDays: d }), code: 'followup', name: current.name }, { expectedVersion: 0 })));
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.details.currentVersion).to.equal(1);
    const { rows } = await pool.query(`SELECT version, active FROM action_definitions WHERE code = 'followup' ORDER BY version`);
    expect(rows.map((r) => [r.version, r.active])).to.deep.equal([[1, false], [2, true]]);
  });
});
