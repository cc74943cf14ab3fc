import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { DAY, dispatch, idemKey, lookups } from './actions-helpers.js';

describe('dispatching actions', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let clock = new Date('2026-04-30T02:00:00Z'); // Thursday 10:00 in Shanghai, the eve of 劳动节
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let hualian: number;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock, env: { SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    hualian = (await $.customer('华联超市总部')).id;
  });
  after(() => api.close());
  afterEach(() => { clock = new Date('2026-04-30T02:00:00Z'); });

  it('dispatches a visit to a rep, due the 3rd working day after the 劳动节 holidays, and queues a card for the rep', async () => {
    const a = await dispatch(api, 'mgr.li', {
      definitionCode: 'visit', customerId: hualian, assigneeId: zhao, title: '拜访华联采购部',
      requirements: [{ tag: '竞品陈列照片', min: 1, kind: 'photo' }, { tag: '采购负责人微信截图' }],
    });
    expect(a).to.include({ status: 'dispatched', statusLabel: '已派发', assigneeId: zhao, customerId: hualian, definitionCode: 'visit', version: 1 });
    // 5-01..05-05 are holidays: working days after Thu 04-30 are 05-06, 05-07, 05-08
    expect(a.dueAt).to.equal('2026-05-08T15:59:59.000Z');
    expect(a.requirements).to.deep.equal([{ tag: '竞品陈列照片', min: 1, kind: 'photo' }, { tag: '采购负责人微信截图', min: 1 }]);

    const { rows: [msg] } = await pool.query('SELECT recipient, msgtype, payload, status FROM outbox WHERE dedupe_key = $1', [`action:${a.id}:dispatched`]);
    expect(msg).to.include({ recipient: 'rep.zhao', msgtype: 'textcard', status: 'pending' });
    expect(msg.payload.textcard.url).to.match(new RegExp(`/actions/${a.id}$`));
    expect(msg.payload.textcard.description).to.include('华联超市总部').and.include('竞品陈列照片');

    const ev = await pool.query(`SELECT type, actor_id, data FROM events WHERE entity_type = 'action' AND entity_id = $1`, [a.id]);
    expect(ev.rows.map((r) => r.type)).to.deep.equal(['action.dispatched']);
    expect(ev.rows[0].actor_id).to.equal(await $.userId('mgr.li'));
    const steps = await pool.query('SELECT step, due_at, notify, cc FROM action_escalation_steps WHERE action_id = $1 ORDER BY step', [a.id]);
    expect(steps.rows.map((s) => s.step)).to.deep.equal([0, 1, 2]);
    expect(steps.rows[0].due_at.toISOString()).to.equal(a.dueAt);
  });

  it('counts the 调休 Saturday as a working day when the dispatcher overrides the deadline', async () => {
    const a = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian, assigneeId: zhao, dueWorkingDays: 5 });
    // 05-06, 05-07, 05-08, Sat 05-09 (make-up workday), Mon 05-11
    expect(a.dueAt).to.equal('2026-05-11T15:59:59.000Z');
  });

  it('lets a rep create their own action without notifying anyone, but not dispatch to a colleague', async () => {
    const before = await $.count('outbox');
    const own = await dispatch(api, 'rep.zhao', { definitionCode: 'followup', customerId: hualian });
    expect(own).to.include({ assigneeId: zhao, assignerId: zhao, title: '有效跟进：华联超市总部' });
    expect(await $.count('outbox')).to.equal(before);
    const toColleague = await api.call('POST', '/api/actions', { as: 'rep.zhao', body: { definitionCode: 'visit', customerId: hualian, assigneeId: await $.userId('rep.qian') } });
    expect(toColleague.status).to.equal(403);
    const outOfTree = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: hualian, assigneeId: await $.userId('rep.zhou') } });
    expect(outOfTree.status).to.equal(422);
    expect(outOfTree.body.error.code).to.equal('ASSIGNEE_INVALID');
    const unknownDef = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'nope', customerId: hualian, assigneeId: zhao } });
    expect(unknownDef.body.error.code).to.equal('ACTION_DEFINITION_NOT_FOUND');
  });

  it('dispatches once per Idempotency-Key', async () => {
    const key = idemKey();
    const body = { definitionCode: 'visit', customerId: hualian, assigneeId: zhao, title: `幂等派发 ${key}` };
    const first = await dispatch(api, 'mgr.li', body, { 'Idempotency-Key': key });
    const again = await api.call('POST', '/api/actions', { as: 'mgr.li', body, headers: { 'Idempotency-Key': key } });
    expect(again.status).to.equal(201);
    expect(again.body.id).to.equal(first.id);
    expect(await $.count('actions WHERE title = $1', [body.title])).to.equal(1);
  });

  it('lists a rep\'s own actions and a manager\'s subtree, hides the rest, and filters overdue ones', async () => {
    const a = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian, assigneeId: zhao, title: '列表可见性', dueWorkingDays: 1 });
    const mine = await api.call('GET', `/api/actions?customerId=${hualian}&limit=200`, { as: 'rep.zhao' });
    expect(mine.body.items.map((x: any) => x.id)).to.include(a.id);
    expect(mine.body.items.every((x: any) => x.assigneeId === zhao)).to.equal(true);
    expect((await api.call('GET', '/api/actions', { as: 'rep.qian' })).body.items.map((x: any) => x.id)).to.not.include(a.id);
    expect((await api.call('GET', `/api/actions/${a.id}`, { as: 'mgr.chen' })).status).to.equal(404);
    expect((await api.call('GET', `/api/actions/${a.id}`, { as: 'mgr.li' })).status).to.equal(200);

    expect((await api.call('GET', '/api/actions?overdue=true&limit=200', { as: 'mgr.li' })).body.items.map((x: any) => x.id)).to.not.include(a.id);
    clock = new Date(clock.getTime() + 10 * DAY);
    const late = await api.call('GET', '/api/actions?overdue=true&limit=200', { as: 'mgr.li' });
    const row = late.body.items.find((x: any) => x.id === a.id);
    expect(row).to.include({ overdue: true, status: 'dispatched' });
  });

  it('answers 今日 in one request: only the caller\'s open actions, late ones first, each with what it lacks and whether a draft is saved', async () => {
    const later = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian, assigneeId: zhao, title: '今日：后到期', dueWorkingDays: 5 });
    const late = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian, assigneeId: zhao, title: '今日：已逾期', dueWorkingDays: 1 });
    const others = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian, assigneeId: await $.userId('rep.qian'), title: '今日：别人的' });
    await api.call('PUT', `/api/actions/${later.id}/draft`, { as: 'rep.zhao', body: { transcript: '草稿' } });
    clock = new Date(clock.getTime() + 9 * DAY); // 05-09: past the 1-working-day deadline (05-06), not the 5-day one (05-11)

    const res = await api.call('GET', '/api/today', { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    const items: any[] = res.body.items;
    const ids = items.map((i) => i.action.id);
    expect(ids).to.include(later.id).and.include(late.id).and.not.include(others.id);
    expect(items.every((i) => i.action.assigneeId === zhao && !['completed', 'verified', 'cancelled'].includes(i.action.status))).to.equal(true);
    expect(ids.indexOf(late.id)).to.be.lessThan(ids.indexOf(later.id));
    const firstOnTime = items.findIndex((i) => !i.action.overdue && !['overdue', 'escalated'].includes(i.action.status));
    expect(items.slice(firstOnTime).some((i) => i.action.overdue), 'no late action after an on-time one').to.equal(false);

    const byId = new Map(items.map((i) => [i.action.id, i]));
    expect(byId.get(later.id)).to.include({ hasDraft: true });
    expect(byId.get(late.id)).to.include({ hasDraft: false });
    const lacks = byId.get(late.id).checklist.filter((c: any) => !c.satisfied).map((c: any) => c.label);
    expect(lacks.length).to.be.greaterThan(0);
    expect(lacks.join()).to.match(/照片|签到|语音/);
  });

  it('moves through start → reject with a reason, refusing a stale version and self-verification', async () => {
    const a = await dispatch(api, 'mgr.li', { definitionCode: 'followup', customerId: hualian, assigneeId: zhao });
    const started = await api.call('POST', `/api/actions/${a.id}/start`, { as: 'rep.zhao', body: { expectedVersion: 1 } });
    expect(started.status).to.equal(200);
    expect(started.body).to.include({ status: 'in_progress', version: 2 });
    const stale = await api.call('POST', `/api/actions/${a.id}/start`, { as: 'rep.zhao', body: { expectedVersion: 1 } });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('CONFLICT');

    const phone = await api.call('POST', `/api/actions/${a.id}/complete-by-phone`, { as: 'rep.zhao', body: { note: '电话确认了下周的送货安排' } });
    expect(phone.status).to.equal(200);
    expect(phone.body).to.include({ status: 'submitted', completionMode: 'phone_only', statusLabel: '已提交（仅电话完成）' });
    const selfVerify = await api.call('POST', `/api/actions/${a.id}/verify`, { as: 'rep.zhao', body: {} });
    expect(selfVerify.status).to.equal(403);
    const noReason = await api.call('POST', `/api/actions/${a.id}/reject-by-manager`, { as: 'mgr.li', body: { reason: ' ' } });
    expect(noReason.status).to.equal(400);
    const rejected = await api.call('POST', `/api/actions/${a.id}/reject-by-manager`, { as: 'mgr.li', body: { reason: '请补充送货单照片' } });
    expect(rejected.body).to.include({ status: 'rejected' });

    const detail = await api.call('GET', `/api/actions/${a.id}`, { as: 'rep.zhao' });
    expect(detail.body.events.map((e: any) => e.type)).to.deep.equal(['action.dispatched', 'action.started', 'action.submitted', 'action.rejected']);
    const rej = detail.body.events[3];
    expect(rej).to.deep.include({ actorName: '李明' });
    expect(rej.data).to.include({ from: 'submitted', to: 'rejected', reason: '请补充送货单照片' });
    expect(detail.body.events[2].data).to.include({ completionMode: 'phone_only', note: '电话确认了下周的送货安排' });
  });

  it('shows a phone-only completion as such in lists and to the manager, and never as an effective follow-up', async () => {
    const a = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian, assigneeId: zhao, title: '仅电话' });
    const { rows: [before] } = await pool.query('SELECT last_effective_followup_at FROM customers WHERE id = $1', [hualian]);
    await api.call('POST', `/api/actions/${a.id}/complete-by-phone`, { as: 'rep.zhao', body: { note: '电话沟通，客户暂不方便见面' } });
    const list = await api.call('GET', `/api/actions?status=submitted&limit=200`, { as: 'mgr.li' });
    expect(list.body.items.find((x: any) => x.id === a.id)).to.include({ status: 'submitted', completionMode: 'phone_only', statusLabel: '已提交（仅电话完成）' });
    const { rows: [todo] } = await pool.query(`SELECT payload FROM outbox WHERE recipient = 'mgr.li' AND payload->'textcard'->>'url' LIKE $1`, [`%/actions/${a.id}`]);
    expect(todo.payload.textcard.description).to.include('仅电话完成');
    const { rows: [after] } = await pool.query('SELECT last_effective_followup_at, last_followup_at FROM customers WHERE id = $1', [hualian]);
    expect(after.last_effective_followup_at).to.deep.equal(before.last_effective_followup_at);
    expect(after.last_followup_at.getTime()).to.be.at.least(clock.getTime());
    const { rows: [f] } = await pool.query('SELECT effective, has_evidence FROM followups WHERE action_id = $1', [a.id]);
    expect(f).to.deep.equal({ effective: false, has_evidence: false });
  });

  describe('state locks', () => {
    let customerId: number;
    before(async () => { customerId = (await $.customer('上海市第六人民医院')).id; });

    it('refuses a quote before any visit: 409 ACTION_LOCKED saying a 客户拜访 must be verified first', async () => {
      const res = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'quote', customerId, assigneeId: zhao } });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('ACTION_LOCKED');
      expect(res.body.error.message).to.include('客户拜访').and.include('核验');
      expect(res.body.error.details.blocking[0]).to.include({ definitionCode: 'visit', action: null });
    });

    it('names the unverified visit and what it still needs, then allows the quote once the visit is verified', async () => {
      const visit = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId, assigneeId: zhao, title: '六院设备科拜访' });
      const locked = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'quote', customerId, assigneeId: zhao } });
      expect(locked.status).to.equal(409);
      const [b] = locked.body.error.details.blocking;
      expect(b.action).to.include({ id: visit.id, title: '六院设备科拜访', status: 'dispatched' });
      expect(locked.body.error.message).to.include(String(visit.id)).and.include('六院设备科拜访');
      expect(b.missing.join('\n')).to.include('合影').and.include('下次接触时间');

      const downstreamEarly = await api.call('POST', `/api/actions/${visit.id}/downstream`, { as: 'rep.zhao', body: { definitionCode: 'quote' } });
      expect(downstreamEarly.status).to.equal(409);
      expect(downstreamEarly.body.error.code).to.equal('ACTION_LOCKED');

      await api.call('POST', `/api/actions/${visit.id}/complete-by-phone`, { as: 'rep.zhao', body: { note: '电话拜访' } });
      const waiting = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'quote', customerId, assigneeId: zhao } });
      expect(waiting.body.error.details.blocking[0].missing).to.deep.equal(['等待主管核验通过']);

      expect((await api.call('POST', `/api/actions/${visit.id}/verify`, { as: 'mgr.li', body: { comment: '已电话核实' } })).body.status).to.equal('verified');
      const quote = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'quote', customerId, assigneeId: zhao } });
      expect(quote.status).to.equal(201);
      const sample = await api.call('POST', `/api/actions/${visit.id}/downstream`, { as: 'rep.zhao', body: { definitionCode: 'sample' }, headers: { 'Idempotency-Key': idemKey() } });
      expect(sample.status).to.equal(201);
      expect(sample.body).to.include({ parentActionId: visit.id, customerId, assigneeId: zhao, definitionCode: 'sample' });
    });
  });
});
