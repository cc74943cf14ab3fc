import { expect } from 'chai';
import type pg from 'pg';
import { runOverdueEscalation } from '../../../core/alerts/overdue-escalation.js';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { clock, deps, lookups } from '../jobs/jobs-helpers.js';

/** 入院准入 once started: who is late, pause (nothing escalates), resume (deadlines move by the pause), cancel (open nodes closed). */
describe('mandatory processes: nodes, lateness, pause, resume, cancel', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  const t = clock(shanghaiInstant('2026-06-08', 10));
  let processId: number;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool, now: t.now, env: { SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
    const customerId = (await $.customer('北京协和医院')).id;
    const res = await api.call('POST', '/api/processes', { as: 'mgr.chen', body: { templateCode: 'hospital_admission', customerId } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    processId = res.body.id;
  });
  after(() => api.close());

  const view = async (as = 'mgr.chen') => (await api.call('GET', `/api/processes/${processId}`, { as })).body;
  const node = async (key: string) => (await view()).nodes.find((n: any) => n.nodeKey === key);

  it('lists the nodes by deadline with the assignee, and says who is late by how many days', async () => {
    const v = await view();
    expect(v).to.include({ templateName: '入院准入', customerName: '北京协和医院', status: 'active', statusLabel: '进行中', total: 12, done: 0, late: 0 });
    expect(v.nodes[0]).to.include({ nodeKey: 'clinical_need', assigneeName: '周婷', lateDays: null });
    expect((await node('qualification')).requirements).to.deep.equal([{ tag: '资质文件', min: 3, kind: 'document' }]);
    t.set(shanghaiInstant('2026-06-13', 10)); // clinical_need was due Thu 06-11 (3 working days)
    const late = await view();
    expect(late.late).to.equal(1);
    expect(late.nodes[0]).to.include({ nodeKey: 'clinical_need', lateDays: 1 });
    expect((await api.call('GET', `/api/processes?customerId=${late.customerId}`, { as: 'rep.zhou' })).body.items.map((p: any) => p.id)).to.deep.equal([processId]);
    expect((await api.call('GET', `/api/processes/${processId}`, { as: 'rep.zhao' })).status, 'another region').to.equal(404);
  });

  it('pauses with a reason: nothing is marked overdue or escalated while paused; a rep may not pause', async () => {
    expect((await api.call('POST', `/api/processes/${processId}/pause`, { as: 'rep.zhou', body: { reason: '等' } })).status).to.equal(403);
    expect((await api.call('POST', `/api/processes/${processId}/pause`, { as: 'mgr.chen', body: { reason: ' ' } })).status).to.equal(400);
    const paused = await api.call('POST', `/api/processes/${processId}/pause`, { as: 'mgr.chen', body: { reason: '医院采购中心换届，暂停两周' } });
    expect(paused.status, JSON.stringify(paused.body)).to.equal(200);
    expect(paused.body).to.include({ status: 'paused', statusReason: '医院采购中心换届，暂停两周', statusBy: '陈静' });
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r).to.include({ markedOverdue: 0, opened: 0 });
    expect((await node('clinical_need')).status).to.equal('dispatched');
  });

  it('resumes: open nodes\' deadlines move by the time it was paused', async () => {
    const before = new Date((await node('clinical_need')).dueAt).getTime();
    t.set(shanghaiInstant('2026-06-20', 10)); // paused exactly 7 days
    const resumed = await api.call('POST', `/api/processes/${processId}/resume`, { as: 'mgr.chen', body: {} });
    expect(resumed.body).to.include({ status: 'active', statusReason: null });
    const after = new Date((await node('clinical_need')).dueAt).getTime();
    expect(after - before).to.equal(7 * 86_400_000);
  });

  it('cancels with a reason: every open node is closed and its assignee told, and it cannot be resumed', async () => {
    const cancelled = await api.call('POST', `/api/processes/${processId}/cancel`, { as: 'mgr.chen', body: { reason: '医院改为集采，不再单独准入' } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    expect(cancelled.body).to.include({ status: 'cancelled', statusLabel: '已取消' });
    expect(cancelled.body.nodes.every((n: any) => n.status === 'archived')).to.equal(true);
    expect(await $.count(`events WHERE type = 'action.cancelled' AND data->>'reason' = '医院改为集采，不再单独准入'`)).to.equal(12);
    expect(await $.count(`outbox WHERE recipient = 'rep.zhou' AND payload::text LIKE '%已取消%'`)).to.equal(12);
    const again = await api.call('POST', `/api/processes/${processId}/resume`, { as: 'mgr.chen', body: {} });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('PROCESS_STATUS_INVALID');
  });
});
