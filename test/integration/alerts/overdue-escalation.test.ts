import { expect } from 'chai';
import type pg from 'pg';
import { runOverdueEscalation } from '../../../core/alerts/overdue-escalation.js';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { clock, deps, lookups } from '../jobs/jobs-helpers.js';

describe('overdue escalation (逾期升级)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  // Monday 2026-06-08 10:00 Shanghai; a 1-working-day visit is due Tue 06-09 23:59:59
  const t = clock(shanghaiInstant('2026-06-08', 10));
  let actionId: number;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool, now: t.now, env: { SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
    const customerId = (await $.customer('华联超市总部')).id;
    const res = await api.call('POST', '/api/actions', {
      as: 'mgr.li', body: { definitionCode: 'visit', customerId, assigneeId: await $.userId('rep.zhao'), title: '拜访华联采购部', dueWorkingDays: 1 },
    });
    expect(res.status).to.equal(201);
    actionId = res.body.id;
  });
  after(() => api.close());

  const alertsOfAction = () => $.rows(
    `SELECT a.id, a.dedupe_key, a.severity, a.status, a.title,
            array(SELECT u.wecom_userid || '/' || ar.role_reason || '/' || (ar.outbox_id IS NOT NULL)
                    FROM alert_recipients ar JOIN users u ON u.id = ar.user_id WHERE ar.alert_id = a.id ORDER BY u.wecom_userid) AS recipients
       FROM alerts a WHERE a.rule_code = 'overdue_escalation' AND a.subject_id = $1 ORDER BY a.id`, [actionId]);
  const status = async () => (await $.rows('SELECT status FROM actions WHERE id = $1', [actionId]))[0].status;

  it('leaves an action alone before its due time', async () => {
    t.set(shanghaiInstant('2026-06-09', 18));
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r).to.include({ markedOverdue: 0, escalationSteps: 0, opened: 0 });
    expect(await status()).to.equal('dispatched');
  });

  it('marks it overdue after the due time (event + notice to the rep) and records step 1 for the rep', async () => {
    t.set(shanghaiInstant('2026-06-10', 8, 30));
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r).to.include({ markedOverdue: 1, escalationSteps: 1, opened: 1, messages: 0 });
    expect(await status()).to.equal('overdue');
    expect(await $.count(`events WHERE entity_type = 'action' AND entity_id = $1 AND type = 'action.overdue'`, [actionId])).to.equal(1);
    expect(await $.count(`outbox WHERE recipient = 'rep.zhao' AND dedupe_key LIKE $1`, [`action:${actionId}:overdue:%`])).to.equal(1);
    const [a] = await alertsOfAction();
    expect(a.dedupe_key).to.equal(`action:${actionId}:escalation:0`);
    expect(a.title).to.equal('「拜访华联采购部」已逾期');
    // the rep is on record but gets no second message: the overdue notice was theirs
    expect(a.recipients).to.deep.equal(['rep.zhao/assignee/false']);
  });

  it('sends each step once: running again the same morning sends nothing', async () => {
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r).to.include({ markedOverdue: 0, escalationSteps: 0, opened: 0 });
  });

  it('escalates to the manager one working day later and moves the action to escalated', async () => {
    t.set(shanghaiInstant('2026-06-11', 10));
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r).to.include({ escalationSteps: 1, escalated: 1, opened: 1, messages: 1 });
    expect(await status()).to.equal('escalated');
    const step1 = (await alertsOfAction())[1];
    expect(step1.dedupe_key).to.equal(`action:${actionId}:escalation:1`);
    expect(step1.recipients).to.deep.equal(['mgr.li/manager/true']);
    expect(step1.title).to.equal('「拜访华联采购部」逾期1个工作日，已升级');
    expect(await $.count(`supervisor_todos WHERE action_id = $1 AND kind = 'handle_escalation'`, [actionId])).to.equal(1);
    const [done] = await $.rows('SELECT count(*)::int AS n FROM action_escalation_steps WHERE action_id = $1 AND done_at IS NOT NULL', [actionId]);
    expect(done.n).to.equal(2);
  });

  it('reaches the director and compliance on working day 3, copying the manager, as a critical alert', async () => {
    t.set(shanghaiInstant('2026-06-15', 10)); // Fri 06-12 23:59:59 was working day 3
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r).to.include({ escalationSteps: 1, opened: 1, messages: 3 });
    const step2 = (await alertsOfAction())[2];
    expect(step2.severity).to.equal('critical');
    expect(step2.recipients).to.deep.equal([
      'compliance.he/compliance/true', 'director.wang/director/true', 'mgr.li/cc:manager/true', 'rep.zhao/cc:assignee/false',
    ]);
    expect((await runOverdueEscalation(deps(pool, t.now))).opened).to.equal(0);
    expect(await $.count(`alerts WHERE rule_code = 'overdue_escalation'`)).to.equal(3);
  });

  it('resolves its alerts once the action is submitted', async () => {
    const sub = await api.call('POST', `/api/actions/${actionId}/complete-by-phone`, { as: 'rep.zhao', body: { note: '电话确认了采购需求，下周上门' } });
    expect(sub.status).to.equal(200);
    const r = await runOverdueEscalation(deps(pool, t.now));
    expect(r.resolved).to.equal(3);
    const notes = await $.rows(`SELECT DISTINCT status, resolution_note FROM alerts WHERE rule_code = 'overdue_escalation'`);
    expect(notes).to.deep.equal([{ status: 'resolved', resolution_note: '事项已提交' }]);
  });
});
