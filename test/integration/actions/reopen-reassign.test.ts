import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { aValidVisitReport, anAttachment, dispatch, lookups } from './actions-helpers.js';

describe('reopening and reassigning actions', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let u: Record<'zhao' | 'qian' | 'sun' | 'zhou' | 'li' | 'chen' | 'wang', number>;
  let hualian: { id: number; lat: number; lng: number };

  before(async () => {
    ({ pool } = await freshDatabase(8));
    api = await startTestApi({ pool });
    $ = lookups(pool);
    u = {
      zhao: await $.userId('rep.zhao'), qian: await $.userId('rep.qian'), sun: await $.userId('rep.sun'),
      zhou: await $.userId('rep.zhou'), li: await $.userId('mgr.li'), chen: await $.userId('mgr.chen'),
      wang: await $.userId('director.wang'),
    };
    hualian = await $.customer('华联超市总部');
  });
  after(() => api.close());

  const newVisit = (title: string) => dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian.id, assigneeId: u.zhao, title });
  const post = (as: string, id: number, verb: 'reopen' | 'reassign' | 'verify', body: unknown) =>
    api.call('POST', `/api/actions/${id}/${verb}`, { as, body });
  const eventsOf = async (id: number, type: string) => (await pool.query(
    `SELECT actor_id, data FROM events WHERE entity_type = 'action' AND entity_id = $1 AND type = $2 ORDER BY id`, [id, type])).rows;
  const outboxLike = async (pattern: string) => (await pool.query(
    'SELECT dedupe_key, recipient, msgtype, payload FROM outbox WHERE dedupe_key LIKE $1 ORDER BY id', [pattern])).rows;
  const versionOf = async (id: number) => (await pool.query('SELECT version FROM actions WHERE id = $1', [id])).rows[0].version;

  async function submitted(title: string): Promise<any> {
    const a = await newVisit(title);
    const report = await aValidVisitReport(pool, { repId: u.zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: new Date() });
    const res = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'rep.zhao', body: report });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.action;
  }

  async function verified(title: string): Promise<any> {
    const a = await submitted(title);
    const res = await post('mgr.li', a.id, 'verify', {});
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  describe('POST /api/actions/{id}/reopen', () => {
    it('reopens a verified action to in progress, logs who and why, and tells the rep the reason', async () => {
      const a = await verified('核验后重开');
      const res = await post('mgr.li', a.id, 'reopen', { reason: '门头照不清晰，请补拍', expectedVersion: a.version });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ status: 'in_progress', statusLabel: '进行中', version: a.version + 1, verifiedAt: null, assigneeId: u.zhao });

      const [ev] = await eventsOf(a.id, 'action.reopened');
      expect(ev.actor_id).to.equal(u.li);
      expect(ev.data).to.include({ from: 'verified', to: 'in_progress', reason: '门头照不清晰，请补拍', version: a.version + 1 });

      const msgs = await outboxLike(`action:${a.id}:reopened:%`);
      expect(msgs.map((m) => [m.dedupe_key, m.recipient, m.msgtype])).to.deep.equal([
        [`action:${a.id}:reopened:${u.zhao}:v${a.version + 1}`, 'rep.zhao', 'textcard'],
      ]);
      expect(msgs[0].payload.textcard.title).to.include('已重新打开');
      expect(msgs[0].payload.textcard.description).to.include('门头照不清晰，请补拍').and.include('华联超市总部');
    });

    it('lets the rep submit again after a reopen, and the manager verify again', async () => {
      const a = await verified('重开后重交');
      const reopened = await post('mgr.li', a.id, 'reopen', { reason: '客户追加需求' });
      const report = await aValidVisitReport(pool, { repId: u.zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: new Date() });
      const again = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'rep.zhao', body: { ...report, expectedVersion: reopened.body.version } });
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
      expect(again.body.action.status).to.equal('submitted');
      const reverified = await post('mgr.li', a.id, 'verify', {});
      expect(reverified.body).to.include({ status: 'verified' });
      expect(reverified.body.verifiedAt).to.be.a('string');
    });

    it('sets a new deadline on reopen, moves the unsent escalation steps to it, and forgets a phone-only completion', async () => {
      const a = await newVisit('电话完成后重开');
      const phoned = await api.call('POST', `/api/actions/${a.id}/complete-by-phone`, { as: 'rep.zhao', body: { note: '电话沟通过' } });
      expect(phoned.status, JSON.stringify(phoned.body)).to.equal(200);
      expect((await post('mgr.li', a.id, 'verify', {})).status).to.equal(200);
      const stepsBefore = (await pool.query('SELECT step, due_at FROM action_escalation_steps WHERE action_id = $1 ORDER BY step', [a.id])).rows;
      expect(stepsBefore.length).to.be.greaterThan(0);
      const newDue = new Date(Date.now() + 10 * 86_400_000);
      const res = await post('mgr.li', a.id, 'reopen', { reason: '请上门拜访并拍照', dueAt: newDue.toISOString() });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ status: 'in_progress', statusLabel: '进行中', completionMode: null, completionNote: null, dueAt: newDue.toISOString() });
      const stepsAfter = (await pool.query('SELECT step, due_at FROM action_escalation_steps WHERE action_id = $1 ORDER BY step', [a.id])).rows;
      expect(stepsAfter.map((s) => s.step)).to.deep.equal(stepsBefore.map((s) => s.step));
      for (const s of stepsAfter) expect(s.due_at.getTime(), `step ${s.step} fires no earlier than the new deadline`).to.be.at.least(newDue.getTime());
      const [ev] = await eventsOf(a.id, 'action.reopened');
      expect(ev.data).to.include({ dueAt: newDue.toISOString(), previousDueAt: a.dueAt });
    });

    it('refuses a new deadline in the past with 400 VALIDATION_FAILED naming body.dueAt, and changes nothing', async () => {
      const a = await verified('过去的截止时间');
      const res = await post('mgr.li', a.id, 'reopen', { reason: '重做', dueAt: new Date(Date.now() - 3_600_000).toISOString() });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).to.include('body.dueAt');
      expect(await versionOf(a.id)).to.equal(a.version);
    });

    it('lets the director reopen an action anywhere', async () => {
      const a = await verified('总监重开');
      const res = await post('director.wang', a.id, 'reopen', { reason: '抽查发现问题' });
      expect(res.status).to.equal(200);
      expect((await eventsOf(a.id, 'action.reopened'))[0].actor_id).to.equal(u.wang);
    });

    it('refuses a missing or blank reason with 400 VALIDATION_FAILED and changes nothing', async () => {
      const a = await verified('空原因');
      for (const body of [{}, { reason: '   ' }, { reason: '' }, { reason: 'x', extra: 1 }, { reason: 'x', expectedVersion: '3' }]) {
        const res = await post('mgr.li', a.id, 'reopen', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      }
      const blank = await post('mgr.li', a.id, 'reopen', { reason: ' \n ' });
      expect(blank.body.error.details[0]).to.deep.include({ path: 'body.reason', message: '必须填写原因' });
      expect(await versionOf(a.id)).to.equal(a.version);
      expect(await eventsOf(a.id, 'action.reopened')).to.deep.equal([]);
    });

    it('answers 409 ACTION_TRANSITION_INVALID for an action that is not verified, naming its status', async () => {
      const a = await newVisit('未核验不能重开');
      const res = await post('mgr.li', a.id, 'reopen', { reason: '试试' });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('ACTION_TRANSITION_INVALID');
      expect(res.body.error.message).to.include('已派发').and.include('重新打开');
      const s = await submitted('已提交不能重开');
      expect((await post('mgr.li', s.id, 'reopen', { reason: '试试' })).status).to.equal(409);
    });

    it('answers 409 CONFLICT to a stale expectedVersion and changes nothing', async () => {
      const a = await verified('旧版本重开');
      const res = await post('mgr.li', a.id, 'reopen', { reason: '补资料', expectedVersion: a.version - 1 });
      expect(res.status).to.equal(409);
      expect(res.body.error).to.include({ code: 'CONFLICT' });
      expect(res.body.error.details).to.include({ expectedVersion: a.version - 1, currentVersion: a.version });
      expect(await versionOf(a.id)).to.equal(a.version);
    });

    it('answers 404 to a manager outside the action\'s region and for an unknown id', async () => {
      const a = await verified('华北主管看不到');
      const res = await post('mgr.chen', a.id, 'reopen', { reason: '越权' });
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('ACTION_NOT_FOUND');
      expect((await post('mgr.li', 999_999, 'reopen', { reason: '不存在' })).status).to.equal(404);
      expect(await versionOf(a.id)).to.equal(a.version);
    });

    it('answers 403 FORBIDDEN to the rep, admin and compliance, even on the rep\'s own action', async () => {
      const a = await verified('业务员不能自己重开');
      for (const as of ['rep.zhao', 'admin.lin', 'compliance.he']) {
        const res = await post(as, a.id, 'reopen', { reason: '我想改' });
        expect(res.status, as).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      }
      expect(await versionOf(a.id)).to.equal(a.version);
    });
  });

  describe('POST /api/actions/{id}/reassign', () => {
    it('hands the action to another rep of the region: same status, new assignee and department, event, both reps told', async () => {
      const a = await newVisit('转派给钱芳');
      const res = await post('mgr.li', a.id, 'reassign', { toUserId: u.qian, reason: '赵磊休假', expectedVersion: 1 });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const { rows: [qian] } = await pool.query('SELECT department_id FROM users WHERE id = $1', [u.qian]);
      expect(res.body).to.include({ status: 'dispatched', assigneeId: u.qian, assigneeName: '钱芳', departmentId: qian.department_id, version: 2 });

      const [ev] = await eventsOf(a.id, 'action.reassigned');
      expect(ev.actor_id).to.equal(u.li);
      expect(ev.data).to.include({
        from: 'dispatched', to: 'dispatched', fromUserId: u.zhao, fromUserName: '赵磊', toUserId: u.qian, toUserName: '钱芳',
        reason: '赵磊休假', version: 2, by: u.li,
      });

      const toNew = await outboxLike(`action:${a.id}:reassigned:%`);
      expect(toNew.map((m) => [m.dedupe_key, m.recipient, m.msgtype])).to.deep.equal([[`action:${a.id}:reassigned:${u.qian}:v2`, 'rep.qian', 'textcard']]);
      expect(toNew[0].payload.textcard.title).to.include('转派给你的事项').and.include('转派给钱芳');
      expect(toNew[0].payload.textcard.url).to.match(new RegExp(`/actions/${a.id}$`));
      const toOld = await outboxLike(`action:${a.id}:reassigned_away:%`);
      expect(toOld.map((m) => [m.recipient, m.msgtype])).to.deep.equal([['rep.zhao', 'text']]);
      expect(toOld[0].payload.text.content).to.include('李明').and.include('钱芳').and.include('赵磊休假').and.include('无需继续办理');

      expect((await api.call('GET', `/api/actions/${a.id}`, { as: 'rep.zhao' })).status).to.equal(404);
      expect((await api.call('GET', `/api/actions/${a.id}`, { as: 'rep.qian' })).status).to.equal(200);
      // the new assignee can work on it at once
      const started = await api.call('POST', `/api/actions/${a.id}/start`, { as: 'rep.qian', body: {} });
      expect(started.body, JSON.stringify(started.body)).to.include({ status: 'in_progress' });
    });

    it('lets the director move an action to another region: the old manager loses it, the new one sees it, escalations follow', async () => {
      const a = await newVisit('跨区转派');
      const res = await post('director.wang', a.id, 'reassign', { toUserId: u.zhou });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ assigneeId: u.zhou });
      expect((await api.call('GET', `/api/actions/${a.id}`, { as: 'mgr.li' })).status).to.equal(404);
      expect((await api.call('GET', `/api/actions/${a.id}`, { as: 'mgr.chen' })).status).to.equal(200);
      const { rows: steps } = await pool.query(
        'SELECT step, recipients FROM action_escalation_steps WHERE action_id = $1 ORDER BY step', [a.id]);
      const who = (step: number) => steps[step].recipients.map((r: any) => r.wecomUserid);
      expect(who(0)).to.deep.equal(['rep.zhou']);
      expect(who(1)).to.deep.equal(['mgr.chen']);
      expect(JSON.stringify(steps)).not.to.include('rep.zhao').and.not.include('mgr.li');
      const [ev] = await eventsOf(a.id, 'action.reassigned');
      expect(ev.data).to.not.have.property('reason');
    });

    it('keeps open supervisor to-dos on the action when it changes hands', async () => {
      const a = await newVisit('有待办的转派');
      const bad = {
        fields: {}, attachmentIds: [await anAttachment(pool, { uploadedBy: u.zhao, kind: 'photo', tags: ['门头照'], capturedAt: new Date() })],
        transcript: '价格', linkedOrderIds: [],
      };
      expect((await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'rep.zhao', body: bad })).status).to.equal(422);
      const before = (await pool.query('SELECT id, supervisor_id, done_at FROM supervisor_todos WHERE action_id = $1', [a.id])).rows;
      expect(before).to.have.length(1);
      const res = await post('mgr.li', a.id, 'reassign', { toUserId: u.sun });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('in_progress');
      const after = (await pool.query('SELECT id, supervisor_id, done_at FROM supervisor_todos WHERE action_id = $1', [a.id])).rows;
      expect(after).to.deep.equal(before);
      const listed = await api.call('GET', '/api/supervisor-todos', { as: 'mgr.li' });
      expect(listed.body.items.find((t: any) => t.id === before[0].id)).to.deep.include({ assigneeName: '孙浩', status: 'open' });
    });

    it('answers 404 for a target outside the manager\'s region or unknown, and for an action outside it', async () => {
      const a = await newVisit('越权转派');
      for (const toUserId of [u.zhou, 999_999]) {
        const res = await post('mgr.li', a.id, 'reassign', { toUserId });
        expect(res.status, String(toUserId)).to.equal(404);
        expect(res.body.error.code).to.equal('USER_NOT_FOUND');
      }
      const other = await post('mgr.chen', a.id, 'reassign', { toUserId: u.zhou });
      expect(other.status).to.equal(404);
      expect(other.body.error.code).to.equal('ACTION_NOT_FOUND');
      expect(await versionOf(a.id)).to.equal(1);
    });

    it('answers 422 with a stable code for the same assignee, a non-rep and a deactivated rep', async () => {
      const a = await newVisit('无效转派对象');
      const same = await post('mgr.li', a.id, 'reassign', { toUserId: u.zhao });
      expect(same.status).to.equal(422);
      expect(same.body.error).to.include({ code: 'ACTION_REASSIGN_SAME_ASSIGNEE', message: '该事项已由此人负责，无需转派' });
      const manager = await post('mgr.li', a.id, 'reassign', { toUserId: u.li });
      expect(manager.body.error).to.include({ code: 'ACTION_REASSIGN_TARGET_NOT_REP', message: '事项只能转派给业务员' });
      const otherManager = await post('director.wang', a.id, 'reassign', { toUserId: u.chen });
      expect(otherManager.body.error.code).to.equal('ACTION_REASSIGN_TARGET_NOT_REP');
      await pool.query('UPDATE users SET active = false WHERE id = $1', [u.sun]);
      try {
        const inactive = await post('mgr.li', a.id, 'reassign', { toUserId: u.sun });
        expect(inactive.status).to.equal(422);
        expect(inactive.body.error).to.include({ code: 'ACTION_REASSIGN_TARGET_INACTIVE', message: '孙浩已停用，不能接收事项' });
      } finally {
        await pool.query('UPDATE users SET active = true WHERE id = $1', [u.sun]);
      }
      expect(await versionOf(a.id)).to.equal(1);
      expect(await eventsOf(a.id, 'action.reassigned')).to.deep.equal([]);
      expect(await outboxLike(`action:${a.id}:reassigned%`)).to.deep.equal([]);
    });

    it('answers 409 for a stale version and for an action already submitted', async () => {
      const a = await newVisit('旧版本转派');
      const stale = await post('mgr.li', a.id, 'reassign', { toUserId: u.qian, expectedVersion: 7 });
      expect(stale.status).to.equal(409);
      expect(stale.body.error.code).to.equal('CONFLICT');
      const s = await submitted('已提交不能转派');
      const done = await post('mgr.li', s.id, 'reassign', { toUserId: u.qian });
      expect(done.status).to.equal(409);
      expect(done.body.error.code).to.equal('ACTION_TRANSITION_INVALID');
      expect(done.body.error.message).to.include('已提交').and.include('转派');
      expect(await versionOf(a.id)).to.equal(1);
    });

    it('answers 403 to the rep, admin and compliance', async () => {
      const a = await newVisit('业务员不能转派');
      for (const as of ['rep.zhao', 'admin.lin', 'compliance.he']) {
        const res = await post(as, a.id, 'reassign', { toUserId: u.qian });
        expect(res.status, as).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      }
      expect(await versionOf(a.id)).to.equal(1);
    });

    it('refuses a malformed body with 400 VALIDATION_FAILED', async () => {
      const a = await newVisit('格式错误的转派');
      for (const body of [{}, { toUserId: String(u.qian) }, { toUserId: -1 }, { toUserId: 1.5 }, { toUserid: 'rep.qian' },
        { toUserId: u.qian, assigneeId: u.qian }, { toUserId: u.qian, reason: 'x'.repeat(1001) }]) {
        const res = await post('mgr.li', a.id, 'reassign', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      }
      expect((await post('mgr.li', 0, 'reassign', { toUserId: u.qian })).status).to.equal(400);
      expect(await versionOf(a.id)).to.equal(1);
    });
  });
});
